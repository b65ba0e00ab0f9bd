<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv" sourcelanguage="en">
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>Connection problem</source>
        <translation>Anslutningsproblem</translation>
    </message>
    <message>
        <source>Connection to the server lost. {0} Next try at {1} (try {2}).</source>
        <translation>Anslutningen till servern bröts. {0} Nästa försök kl. {1} (försök {2}).</translation>
    </message>
    <message>
        <source>Connection to the server lost. Reconnecting now (try {0})…</source>
        <translation>Anslutningen till servern bröts. Ansluter igen nu (försök {0})…</translation>
    </message>
    <message>
        <source>Disconnected from the server. {0}</source>
        <translation>Frånkopplad från servern. {0}</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <source>Vaxla — log in</source>
        <translation>Vaxla — logga in</translation>
    </message>
    <message>
        <source>Log in to Vaxla</source>
        <translation>Logga in i Vaxla</translation>
    </message>
    <message>
        <source>Servers found on the network</source>
        <translation>Servrar som hittats i nätverket</translation>
    </message>
    <message>
        <source>No servers found on this network yet.</source>
        <translation>Inga servrar hittade i det här nätverket ännu.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradress</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <source>Remember me on this computer</source>
        <translation>Kom ihåg mig på den här datorn</translation>
    </message>
    <message>
        <source>This computer has no password keyring; you are asked each time.</source>
        <translation>Den här datorn har ingen nyckelring för lösenord; du får frågan varje gång.</translation>
    </message>
    <message>
        <source>Login problem</source>
        <translation>Inloggningsproblem</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Logga in</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Avsluta</translation>
    </message>
    <message>
        <source>Login progress</source>
        <translation>Inloggningsförlopp</translation>
    </message>
    <message>
        <source>Servers found:</source>
        <translation>Hittade servrar:</translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation>&amp;Serveradress:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Användarnamn:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Lösenord:</translation>
    </message>
    <message>
        <source>Check that this SHA-256 fingerprint is the one the server shows in its log, or that your administrator gave you, before you trust it:</source>
        <translation>Kontrollera att det här SHA-256-fingeravtrycket är det som servern visar i sin logg, eller det som din administratör gav dig, innan du litar på det:</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>Certifikatets fingeravtryck</translation>
    </message>
    <message>
        <source>Trust this server</source>
        <translation>Lita på servern</translation>
    </message>
    <message>
        <source>Do not trust</source>
        <translation>Lita inte på den</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Ansluter…</translation>
    </message>
    <message>
        <source>First connection to {0}: this server&apos;s certificate is new to this app.</source>
        <translation>Första anslutningen till {0}: serverns certifikat är nytt för appen.</translation>
    </message>
    <message>
        <source>server address</source>
        <translation>serveradress</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>användarnamn</translation>
    </message>
    <message>
        <source>password</source>
        <translation>lösenord</translation>
    </message>
    <message>
        <source>Fill in the {0}.</source>
        <translation>Fyll i {0}.</translation>
    </message>
    <message>
        <source>Not connected: you did not trust the server&apos;s certificate.</source>
        <translation>Inte ansluten: du litade inte på serverns certifikat.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vaxla — {0}</source>
        <translation>Vaxla — {0}</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>kontrollerar…</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Användare</translation>
    </message>
    <message>
        <source>Server health</source>
        <translation>Serverns status</translation>
    </message>
    <message>
        <source>Desktop version</source>
        <translation>Appens version</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Användare:</translation>
    </message>
    <message>
        <source>Server health:</source>
        <translation>Serverns status:</translation>
    </message>
    <message>
        <source>Desktop version:</source>
        <translation>Appens version:</translation>
    </message>
    <message>
        <source>{0} ({1}), {2}</source>
        <translation>{0} ({1}), {2}</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>agent</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>telefonist</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>gruppledare</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>administratör</translation>
    </message>
    <message>
        <source>{0} — server {1}, protocol {2}</source>
        <translation>{0} — server {1}, protokoll {2}</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Fel användarnamn eller lösenord.</translation>
    </message>
    <message>
        <source>Too many failed logins from this computer. Try again in {0} s.</source>
        <translation>För många misslyckade inloggningar från den här datorn. Försök igen om {0} s.</translation>
    </message>
    <message>
        <source>Too many failed logins from this computer. Try again in a while.</source>
        <translation>För många misslyckade inloggningar från den här datorn. Försök igen om en stund.</translation>
    </message>
    <message>
        <source>The server speaks protocol {0}, this app speaks {1}: upgrade this app.</source>
        <translation>Servern talar protokoll {0}, appen talar {1}: uppgradera appen.</translation>
    </message>
    <message>
        <source>The server speaks protocol {0}, this app speaks {1}: the server needs upgrading.</source>
        <translation>Servern talar protokoll {0}, appen talar {1}: servern behöver uppgraderas.</translation>
    </message>
    <message>
        <source>Your session on the server has ended. Log in again.</source>
        <translation>Din session på servern har upphört. Logga in igen.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {0}.</source>
        <translation>Når inte servern på {0}.</translation>
    </message>
    <message>
        <source>The server at {0} gave an answer this app cannot use.</source>
        <translation>Servern på {0} gav ett svar som appen inte kan använda.</translation>
    </message>
    <message>
        <source>Warning: {0} presents a different certificate than before. Someone may be listening in, so this app will not send your password.
Expected: {1}
Presented: {2}
If your administrator replaced the certificate, start the app with --fingerprint and the new fingerprint from the server&apos;s log.</source>
        <translation>Varning: {0} visar ett annat certifikat än förut. Någon kan avlyssna anslutningen, så appen skickar inte ditt lösenord.
Väntat: {1}
Visat: {2}
Om din administratör har bytt certifikat, starta appen med --fingerprint och det nya fingeravtrycket från serverns logg.</translation>
    </message>
    <message>
        <source>Warning: {0} now presents a certificate other than the one you trusted, so this app stopped talking to it. If your administrator replaced the certificate, start the app with --fingerprint and the new fingerprint from the server&apos;s log.</source>
        <translation>Varning: {0} visar nu ett annat certifikat än det du litade på, så appen slutade tala med servern. Om din administratör har bytt certifikat, starta appen med --fingerprint och det nya fingeravtrycket från serverns logg.</translation>
    </message>
    <message>
        <source>First connection to {0}.</source>
        <translation>Första anslutningen till {0}.</translation>
    </message>
    <message>
        <source>That is not a SHA-256 fingerprint (32 hexadecimal byte pairs).</source>
        <translation>Det är inget SHA-256-fingeravtryck (32 hexadecimala bytepar).</translation>
    </message>
    <message>
        <source>Type a server address starting with http:// or https://.</source>
        <translation>Skriv en serveradress som börjar med http:// eller https://.</translation>
    </message>
    <message>
        <source>Something went wrong talking to the server.</source>
        <translation>Något gick fel i kontakten med servern.</translation>
    </message>
</context>
<context>
    <name>ServerListModel</name>
    <message>
        <source> (protocol {0}: another app version is needed)</source>
        <translation> (protokoll {0}: kräver en annan version av appen)</translation>
    </message>
    <message>
        <source>server {version}, protocol {protocol}</source>
        <translation>server {version}, protokoll {protocol}</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Show Vaxla</source>
        <translation>Visa Vaxla</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Avsluta</translation>
    </message>
</context>
</TS>
