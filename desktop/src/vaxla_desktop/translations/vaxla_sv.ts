<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv" sourcelanguage="en">
<context>
    <name>ActionEditor</name>
    <message>
        <source>What happens</source>
        <translation>Vad som händer</translation>
    </message>
    <message>
        <source>to the queue</source>
        <translation>till kön</translation>
    </message>
    <message>
        <source>to the menu</source>
        <translation>till menyn</translation>
    </message>
    <message>
        <source>collect digits</source>
        <translation>samla in siffror</translation>
    </message>
    <message>
        <source>play the prompt</source>
        <translation>spela meddelandet</translation>
    </message>
    <message>
        <source>transfer to the number</source>
        <translation>koppla till numret</translation>
    </message>
    <message>
        <source>switch language to the menu</source>
        <translation>byt språk till menyn</translation>
    </message>
    <message>
        <source>hang up</source>
        <translation>lägg på</translation>
    </message>
    <message>
        <source>To what</source>
        <translation>Till vad</translation>
    </message>
</context>
<context>
    <name>AdminView</name>
    <message>
        <source>Opening hours</source>
        <translation>Öppettider</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Köer</translation>
    </message>
    <message>
        <source>Entry points</source>
        <translation>Ingångar</translation>
    </message>
    <message>
        <source>Menus</source>
        <translation>Menyer</translation>
    </message>
    <message>
        <source>Announcements</source>
        <translation>Meddelanden</translation>
    </message>
    <message>
        <source>Digit collections</source>
        <translation>Sifferinsamlingar</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Användare</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenter</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>Kompetenser</translation>
    </message>
    <message>
        <source>Pause reasons</source>
        <translation>Pausorsaker</translation>
    </message>
    <message>
        <source>Classification codes</source>
        <translation>Klassificeringskoder</translation>
    </message>
    <message>
        <source>Alarm rules</source>
        <translation>Larmregler</translation>
    </message>
    <message>
        <source>SIP trunks</source>
        <translation>SIP-trunkar</translation>
    </message>
    <message>
        <source>Mail server</source>
        <translation>E-postserver</translation>
    </message>
    <message>
        <source>SMS gateway</source>
        <translation>SMS-gateway</translation>
    </message>
    <message>
        <source>Import and export</source>
        <translation>Import och export</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licens</translation>
    </message>
</context>
<context>
    <name>AgentDesk</name>
    <message>
        <source>The server came back; you stand by again.</source>
        <translation>Servern är tillbaka; du har beredskap igen.</translation>
    </message>
    <message>
        <source>The server came back; logged in to your queues again: {0}.</source>
        <translation>Servern är tillbaka; inloggad i dina köer igen: {0}.</translation>
    </message>
    <message>
        <source>End the call first: you cannot leave the agent mode during a call.</source>
        <translation>Avsluta samtalet först: du kan inte lämna agentläget under ett samtal.</translation>
    </message>
    <message>
        <source>This user has no agent profile: no queues.</source>
        <translation>Användaren har ingen agentprofil: inga köer.</translation>
    </message>
    <message>
        <source>Not a member of: {0}. Member of: {1}.</source>
        <translation>Inte medlem i: {0}. Medlem i: {1}.</translation>
    </message>
    <message>
        <source>Logged in to the queues of your last session: {0}.</source>
        <translation>Inloggad i köerna från förra sessionen: {0}.</translation>
    </message>
</context>
<context>
    <name>AgentEditor</name>
    <message>
        <source>User name</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>Kompetenser</translation>
    </message>
    <message>
        <source>Skill</source>
        <translation>Kompetens</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Nivå</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Köer</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Nivå</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Ordning</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Vikt</translation>
    </message>
    <message>
        <source>Standby</source>
        <translation>Beredskap</translation>
    </message>
    <message>
        <source>on standby duty</source>
        <translation>har beredskap</translation>
    </message>
</context>
<context>
    <name>AgentPanel</name>
    <message>
        <source>Agent panel</source>
        <translation>Agentpanel</translation>
    </message>
    <message>
        <source>My state</source>
        <translation>Min status</translation>
    </message>
    <message>
        <source>My state in detail</source>
        <translation>Min status i detalj</translation>
    </message>
    <message>
        <source>&amp;Ready</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <source>Take calls: end a pause, or the wrap-up now ({0})</source>
        <translation>Ta samtal: avsluta en paus, eller efterarbetet nu ({0})</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Pause reason</source>
        <translation>Pausorsak</translation>
    </message>
    <message>
        <source>Why you pause; your supervisor sees it</source>
        <translation>Varför du pausar; din arbetsledare ser det</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Paus</translation>
    </message>
    <message>
        <source>Stop taking calls, with the reason chosen beside ({0})</source>
        <translation>Sluta ta samtal, med orsaken som är vald bredvid ({0})</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Paus</translation>
    </message>
    <message>
        <source>Logged in to</source>
        <translation>Inloggad i</translation>
    </message>
    <message>
        <source>Stand &amp;by</source>
        <translation>&amp;Beredskap</translation>
    </message>
    <message>
        <source>Stand by: the server logs you in to your queues when callers wait too long, and out again when it is calm</source>
        <translation>Beredskap: servern loggar in dig i dina köer när uppringare väntar för länge, och ut igen när det är lugnt</translation>
    </message>
    <message>
        <source>Classify the call</source>
        <translation>Klassa samtalet</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>Klassning</translation>
    </message>
    <message>
        <source>&amp;Classify</source>
        <translation>&amp;Klassa</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>Klassa</translation>
    </message>
    <message>
        <source>Record what the call was about</source>
        <translation>Ange vad samtalet gällde</translation>
    </message>
    <message>
        <source>Classification recorded</source>
        <translation>Klassningen sparad</translation>
    </message>
    <message>
        <source>Keep &amp;recording</source>
        <translation>Behåll &amp;inspelningen</translation>
    </message>
    <message>
        <source>Keep the recording of this call, from its start (Ctrl+Shift+R)</source>
        <translation>Behåll inspelningen av samtalet, från dess början (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <source>Calls waiting in my queues</source>
        <translation>Samtal som väntar i mina köer</translation>
    </message>
    <message>
        <source>Longest wait in my queues</source>
        <translation>Längsta väntetid i mina köer</translation>
    </message>
    <message>
        <source>Waiting in my queues:</source>
        <translation>Väntar i mina köer:</translation>
    </message>
    <message>
        <source>Longest wait:</source>
        <translation>Längsta väntetid:</translation>
    </message>
    <message>
        <source>My queues</source>
        <translation>Mina köer</translation>
    </message>
    <message>
        <source>Other queues</source>
        <translation>Andra köer</translation>
    </message>
    <message>
        <source>Colleagues</source>
        <translation>Kollegor</translation>
    </message>
    <message>
        <source>Personal queue</source>
        <translation>Personlig kö</translation>
    </message>
    <message>
        <source>&amp;Take back</source>
        <translation>&amp;Ta tillbaka</translation>
    </message>
    <message>
        <source>Take back</source>
        <translation>Ta tillbaka</translation>
    </message>
    <message>
        <source>Have the chosen parked caller put through</source>
        <translation>Koppla fram den valda parkerade uppringaren</translation>
    </message>
    <message>
        <source>Live picture</source>
        <translation>Läget just nu</translation>
    </message>
    <message>
        <source>Voicemail</source>
        <translation>Röstbrevlåda</translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation>Inspelningar</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Katalog</translation>
    </message>
    <message>
        <source>Personal queue ({0})</source>
        <translation>Personlig kö ({0})</translation>
    </message>
    <message>
        <source>Stand-by: the server logged you in to {0}, where callers need you.</source>
        <translation>Beredskap: servern loggade in dig i {0}, där uppringare behöver dig.</translation>
    </message>
    <message>
        <source>Stand-by: the server logged you out of {0}; it is calm again.</source>
        <translation>Beredskap: servern loggade ut dig ur {0}; det är lugnt igen.</translation>
    </message>
    <message>
        <source>This user has no agent profile on the server</source>
        <translation>Användaren har ingen agentprofil på servern</translation>
    </message>
    <message>
        <source>Waiting for the server…</source>
        <translation>Väntar på servern…</translation>
    </message>
    <message>
        <source>Tick the queues you work in below to take calls</source>
        <translation>Kryssa för köerna du arbetar i nedan för att ta samtal</translation>
    </message>
    <message>
        <source>Calls come to you</source>
        <translation>Samtal kopplas till dig</translation>
    </message>
    <message>
        <source>A caller is ringing on your phone</source>
        <translation>Ett samtal ringer i din telefon</translation>
    </message>
    <message>
        <source>You are on a call</source>
        <translation>Du är i ett samtal</translation>
    </message>
    <message>
        <source>Voicemail offered</source>
        <translation>Röstmeddelande erbjuds</translation>
    </message>
    <message>
        <source>A voicemail message is offered to you: take it or decline it</source>
        <translation>Ett röstmeddelande erbjuds dig: ta det eller avböj</translation>
    </message>
    <message>
        <source>Voicemail task</source>
        <translation>Röstbrevlådeärende</translation>
    </message>
    <message>
        <source>You are working on a voicemail message</source>
        <translation>Du arbetar med ett röstmeddelande</translation>
    </message>
    <message>
        <source>&amp;Ready now</source>
        <translation>&amp;Redo nu</translation>
    </message>
    <message>
        <source>{0} s left — press Ready now to take calls</source>
        <translation>{0} s kvar — tryck Redo nu för att ta samtal</translation>
    </message>
    <message>
        <source>Logged in to {0}</source>
        <translation>Inloggad i {0}</translation>
    </message>
    <message>
        <source>Tick to take calls from {0}</source>
        <translation>Kryssa för att ta samtal från {0}</translation>
    </message>
    <message>
        <source>Log out of all</source>
        <translation>Logga ut ur alla</translation>
    </message>
    <message>
        <source>Log in to all</source>
        <translation>Logga in i alla</translation>
    </message>
    <message>
        <source>Classify the last call</source>
        <translation>Klassa det senaste samtalet</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Sparad</translation>
    </message>
    <message>
        <source>Recording kept</source>
        <translation>Inspelningen behålls</translation>
    </message>
</context>
<context>
    <name>AgentStates</name>
    <message>
        <source>Ready</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Ringer</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>I samtal</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Efterarbete</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paus</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>Utloggad</translation>
    </message>
</context>
<context>
    <name>AgentTableModel</name>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Time in state</source>
        <translation>Tid i status</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Samtal</translation>
    </message>
    <message>
        <source>Call&apos;s queue</source>
        <translation>Samtalets kö</translation>
    </message>
    <message>
        <source>Call time</source>
        <translation>Samtalstid</translation>
    </message>
    <message>
        <source>Logged in to</source>
        <translation>Inloggad i</translation>
    </message>
    <message>
        <source>Outbound call</source>
        <translation>Utgående samtal</translation>
    </message>
    <message>
        <source>Inbound call</source>
        <translation>Inkommande samtal</translation>
    </message>
</context>
<context>
    <name>AlarmRuleEditor</name>
    <message>
        <source>callers waiting</source>
        <translation>väntande uppringare</translation>
    </message>
    <message>
        <source>longest wait (s)</source>
        <translation>längsta väntetid (s)</translation>
    </message>
    <message>
        <source>service level (%)</source>
        <translation>servicenivå (%)</translation>
    </message>
    <message>
        <source>agents ready</source>
        <translation>redo handläggare</translation>
    </message>
    <message>
        <source>information</source>
        <translation>information</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>varning</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>kritiskt</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Mått</translation>
    </message>
    <message>
        <source>Raised when it is</source>
        <translation>Larmar när det är</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Gräns</translation>
    </message>
    <message>
        <source>Cleared at (hysteresis)</source>
        <translation>Upphör vid (hysteres)</translation>
    </message>
    <message>
        <source>when it no longer holds</source>
        <translation>när villkoret inte längre gäller</translation>
    </message>
    <message>
        <source>Quiet period after it clears</source>
        <translation>Tyst period efter att det upphört</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Allvarlighet</translation>
    </message>
    <message>
        <source>Recipients (e-mail or phone)</source>
        <translation>Mottagare (e-post eller telefon)</translation>
    </message>
    <message>
        <source>E-mail address or phone number</source>
        <translation>E-postadress eller telefonnummer</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>Larm</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Värde</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Utlöst</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>Kvitterat av</translation>
    </message>
    <message>
        <source>{0}: {1} ({2} {3})</source>
        <translation>{0}: {1} ({2} {3})</translation>
    </message>
    <message>
        <source>Not yet</source>
        <translation>Inte än</translation>
    </message>
    <message>
        <source>{0} at {1}</source>
        <translation>{0} kl. {1}</translation>
    </message>
    <message>
        <source>calls waiting</source>
        <translation>väntande samtal</translation>
    </message>
    <message>
        <source>longest wait (s)</source>
        <translation>längsta väntetid (s)</translation>
    </message>
    <message>
        <source>service level today (%)</source>
        <translation>servicegrad i dag (%)</translation>
    </message>
    <message>
        <source>agents logged in, not paused</source>
        <translation>inloggade agenter utan paus</translation>
    </message>
</context>
<context>
    <name>AlarmsPanel</name>
    <message>
        <source>Raised alarms</source>
        <translation>Utlösta larm</translation>
    </message>
    <message>
        <source>No alarm is raised.</source>
        <translation>Inget larm är utlöst.</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Kvittera</translation>
    </message>
    <message>
        <source>Acknowledge the selected alarm, or the newest not acknowledged ({0})</source>
        <translation>Kvittera det valda larmet, eller det senaste okvitterade ({0})</translation>
    </message>
    <message>
        <source>Alarms: {0} raised, {1} not acknowledged</source>
        <translation>Larm: {0} utlösta, {1} okvitterade</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>Larm</translation>
    </message>
</context>
<context>
    <name>AnnouncementSetEditor</name>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>First</source>
        <translation>Först</translation>
    </message>
    <message>
        <source>Then in turn</source>
        <translation>Sedan i tur och ordning</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Meddelande</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>Var</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Plats</translation>
    </message>
    <message>
        <source>tell the caller&apos;s place in the queue</source>
        <translation>säg uppringarens plats i kön</translation>
    </message>
    <message>
        <source>Wait</source>
        <translation>Väntetid</translation>
    </message>
    <message>
        <source>tell the expected wait</source>
        <translation>säg den väntade väntetiden</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenter</translation>
    </message>
    <message>
        <source>tell how many agents answer</source>
        <translation>säg hur många agenter som svarar</translation>
    </message>
</context>
<context>
    <name>AudioSettingsDialog</name>
    <message>
        <source>Sound and answering</source>
        <translation>Ljud och svar</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>Högtalare</translation>
    </message>
    <message>
        <source>Ringer</source>
        <translation>Ringsignal</translation>
    </message>
    <message>
        <source>Where offers ring, e.g. the computer&apos;s loudspeaker</source>
        <translation>Där samtal ringer, t.ex. datorns högtalare</translation>
    </message>
    <message>
        <source>&amp;Answer offers automatically (with a tone)</source>
        <translation>&amp;Svara automatiskt (med en ton)</translation>
    </message>
    <message>
        <source>Answer offers automatically</source>
        <translation>Svara automatiskt</translation>
    </message>
    <message>
        <source>No sound devices found: calls connect, but without sound.</source>
        <translation>Inga ljudenheter hittades: samtal kopplas, men utan ljud.</translation>
    </message>
    <message>
        <source>&amp;Microphone:</source>
        <translation>&amp;Mikrofon:</translation>
    </message>
    <message>
        <source>&amp;Speaker:</source>
        <translation>&amp;Högtalare:</translation>
    </message>
    <message>
        <source>&amp;Ringer:</source>
        <translation>&amp;Ringsignal:</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemets standard</translation>
    </message>
    <message>
        <source>{0} (not connected)</source>
        <translation>{0} (inte ansluten)</translation>
    </message>
</context>
<context>
    <name>BoardEditor</name>
    <message>
        <source>Edit the board {0}</source>
        <translation>Redigera tavlan {0}</translation>
    </message>
    <message>
        <source>New board</source>
        <translation>Ny tavla</translation>
    </message>
    <message>
        <source>Board name</source>
        <translation>Tavlans namn</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>Rutor</translation>
    </message>
    <message>
        <source>Add tile</source>
        <translation>Lägg till ruta</translation>
    </message>
    <message>
        <source>Remove tile</source>
        <translation>Ta bort ruta</translation>
    </message>
    <message>
        <source>Tile title</source>
        <translation>Rutans rubrik</translation>
    </message>
    <message>
        <source>Queues of the tile</source>
        <translation>Rutans köer</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Rubrik</translation>
    </message>
    <message>
        <source>Queues (a group when more than one)</source>
        <translation>Köer (en grupp om fler än en)</translation>
    </message>
    <message>
        <source>Amber and red</source>
        <translation>Gult och rött</translation>
    </message>
    <message>
        <source>Longest wait (s): amber at, red at</source>
        <translation>Längsta väntan (s): gult vid, rött vid</translation>
    </message>
    <message>
        <source>Callers waiting: amber at, red at</source>
        <translation>Väntande: gult vid, rött vid</translation>
    </message>
    <message>
        <source>Service level below the goal (points): amber beyond, red beyond</source>
        <translation>Servicegrad under målet (procentenheter): gult över, rött över</translation>
    </message>
    <message>
        <source>Tiles per page</source>
        <translation>Rutor per sida</translation>
    </message>
    <message>
        <source>Seconds per page on a TV</source>
        <translation>Sekunder per sida på en tv</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Spara</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Tile {0}</source>
        <translation>Ruta {0}</translation>
    </message>
    <message>
        <source>The board</source>
        <translation>Tavlan</translation>
    </message>
    <message>
        <source>Amber</source>
        <translation>Gult</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>Rött</translation>
    </message>
</context>
<context>
    <name>CallHistoryModel</name>
    <message>
        <source>Time</source>
        <translation>Tid</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Samtal</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Talk time</source>
        <translation>Samtalstid</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Besvarat</translation>
    </message>
    <message>
        <source>Outgoing</source>
        <translation>Utgående</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Missat</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Avböjt</translation>
    </message>
    <message>
        <source>Not reached</source>
        <translation>Nådde inte fram</translation>
    </message>
</context>
<context>
    <name>CallHistoryView</name>
    <message>
        <source>Call history</source>
        <translation>Samtalshistorik</translation>
    </message>
    <message>
        <source>No calls yet.</source>
        <translation>Inga samtal än.</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>Ring upp</translation>
    </message>
    <message>
        <source>Call back the chosen number</source>
        <translation>Ring upp det valda numret</translation>
    </message>
    <message>
        <source>Call the chosen number (Enter)</source>
        <translation>Ring det valda numret (Enter)</translation>
    </message>
</context>
<context>
    <name>CodeEditor</name>
    <message>
        <source>Code</source>
        <translation>Kod</translation>
    </message>
    <message>
        <source>In Swedish</source>
        <translation>På svenska</translation>
    </message>
    <message>
        <source>In English</source>
        <translation>På engelska</translation>
    </message>
    <message>
        <source>Offered</source>
        <translation>Erbjuds</translation>
    </message>
    <message>
        <source>offered to agents</source>
        <translation>erbjuds agenterna</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupp</translation>
    </message>
</context>
<context>
    <name>ColleagueTableModel</name>
    <message>
        <source>Colleague</source>
        <translation>Kollega</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Logged in to</source>
        <translation>Inloggad i</translation>
    </message>
</context>
<context>
    <name>ConfigDesk</name>
    <message>
        <source>Saved.</source>
        <translation>Sparat.</translation>
    </message>
</context>
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
    <name>DayChartView</name>
    <message>
        <source>Waiting callers and service level today</source>
        <translation>Väntande och servicegrad i dag</translation>
    </message>
    <message>
        <source>At most {0} waiting (at {1}); service level last {2}</source>
        <translation>Som mest {0} väntande (kl. {1}); senaste servicegrad {2}</translation>
    </message>
    <message>
        <source>The day: waiting callers and service level per 15 minutes</source>
        <translation>Dagen: väntande och servicegrad per kvart</translation>
    </message>
    <message>
        <source>Most callers waiting at once</source>
        <translation>Flest väntande samtidigt</translation>
    </message>
    <message>
        <source>Service level (goal dashed)</source>
        <translation>Servicegrad (målet streckat)</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <source>Not logged in to {0} in time: the call was not taken</source>
        <translation>Inte inloggad i {0} i tid: samtalet togs inte</translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Växel</translation>
    </message>
    <message>
        <source>The switchboard&apos;s directory, presence and line status; with an agent profile, Take calls (Ctrl+Shift+T) opens the Switchboard tab and the softphone to answer, hold and connect calls. The queues and the agents are read-only.</source>
        <translation>Växelns katalog, hänvisning och linjestatus; med en agentprofil öppnar Ta samtal (Ctrl+Shift+T) fliken Växel och softphonen för att svara, parkera och koppla samtal. Köerna och agenterna visas bara.</translation>
    </message>
    <message>
        <source>The administration mode: the configuration, the prompts and the storm message are edited in their tabs; the live queues and agents are read-only here.</source>
        <translation>Administrationsläget: konfigurationen, meddelandena och stormmeddelandet redigeras i sina flikar; köerna och agenterna i realtid är skrivskyddade här.</translation>
    </message>
    <message>
        <source>The phone could not start: {0}</source>
        <translation>Telefonen kunde inte starta: {0}</translation>
    </message>
</context>
<context>
    <name>DigitCollectionEditor</name>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Digits of</source>
        <translation>Siffror för</translation>
    </message>
    <message>
        <source>Asks with</source>
        <translation>Frågar med</translation>
    </message>
    <message>
        <source>At least</source>
        <translation>Minst</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>Högst</translation>
    </message>
    <message>
        <source>Check digit</source>
        <translation>Kontrollsiffra</translation>
    </message>
    <message>
        <source>the last digit is a Luhn check digit</source>
        <translation>sista siffran är en Luhn-kontrollsiffra</translation>
    </message>
    <message>
        <source>Samordningsnummer</source>
        <translation>Samordningsnummer</translation>
    </message>
    <message>
        <source>taken as a personnummer</source>
        <translation>godtas som personnummer</translation>
    </message>
    <message>
        <source>Tries again</source>
        <translation>Försök till</translation>
    </message>
    <message>
        <source>When wrong, play</source>
        <translation>Vid fel, spela</translation>
    </message>
    <message>
        <source>After the last try, to the menu</source>
        <translation>Efter sista försöket, till menyn</translation>
    </message>
</context>
<context>
    <name>DirectoryModel</name>
    <message>
        <source>Lunch</source>
        <translation>Lunch</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>Möte</translation>
    </message>
    <message>
        <source>Vacation</source>
        <translation>Semester</translation>
    </message>
    <message>
        <source>Sick</source>
        <translation>Sjuk</translation>
    </message>
    <message>
        <source>Travelling</source>
        <translation>På resa</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Borta</translation>
    </message>
    <message>
        <source>Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec</source>
        <translation>jan feb mar apr maj jun jul aug sep okt nov dec</translation>
    </message>
    <message>
        <source>{0}, back {1}</source>
        <translation>{0}, tillbaka {1}</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Linje</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>Avdelning</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Hänvisning</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Ledig</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Ringer</translation>
    </message>
    <message>
        <source>In a call</source>
        <translation>I samtal</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>Parkerat</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Inte inloggad</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>Search by name, department, number or note</source>
        <translation>Sök på namn, avdelning, nummer eller anteckning</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>Sök i katalogen</translation>
    </message>
    <message>
        <source>Type to search; Down to the list ({0})</source>
        <translation>Skriv för att söka; nedåtpil till listan ({0})</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personer</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Orsak</translation>
    </message>
    <message>
        <source>Has a return time</source>
        <translation>Har en återkomsttid</translation>
    </message>
    <message>
        <source>Without a return time it lasts until ended</source>
        <translation>Utan återkomsttid gäller den tills den tas bort</translation>
    </message>
    <message>
        <source>Return time</source>
        <translation>Åter</translation>
    </message>
    <message>
        <source>Note for the receptionist</source>
        <translation>Anteckning till telefonisten</translation>
    </message>
    <message>
        <source>For whom</source>
        <translation>För vem</translation>
    </message>
    <message>
        <source>Myself</source>
        <translation>Mig själv</translation>
    </message>
    <message>
        <source>Set presence</source>
        <translation>Sätt hänvisning</translation>
    </message>
    <message>
        <source>Callers hear the reason and the return time ({0})</source>
        <translation>Den som ringer hör orsaken och när du är tillbaka ({0})</translation>
    </message>
    <message>
        <source>End presence</source>
        <translation>Ta bort hänvisning</translation>
    </message>
    <message>
        <source>Back now ({0})</source>
        <translation>Tillbaka nu ({0})</translation>
    </message>
    <message>
        <source>For</source>
        <translation>För</translation>
    </message>
    <message>
        <source>Back at</source>
        <translation>Tillbaka</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Anteckning</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Hänvisning</translation>
    </message>
</context>
<context>
    <name>DocumentDesk</name>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>Kan inte skriva {0}: {1}</translation>
    </message>
    <message>
        <source>Exported to {0}.</source>
        <translation>Exporterad till {0}.</translation>
    </message>
    <message>
        <source>{0} is not a configuration document: {1}</source>
        <translation>{0} är inte ett konfigurationsdokument: {1}</translation>
    </message>
    <message>
        <source>Loaded: the configuration is the file&apos;s now.</source>
        <translation>Inläst: konfigurationen är nu filens.</translation>
    </message>
</context>
<context>
    <name>DocumentPanel</name>
    <message>
        <source>Export to a file…</source>
        <translation>Exportera till en fil…</translation>
    </message>
    <message>
        <source>The whole configuration as one file ({0})</source>
        <translation>Hela konfigurationen som en fil ({0})</translation>
    </message>
    <message>
        <source>Check a file to import…</source>
        <translation>Kontrollera en fil att importera…</translation>
    </message>
    <message>
        <source>See what a file changes before loading it ({0})</source>
        <translation>Se vad en fil ändrar innan den läses in ({0})</translation>
    </message>
    <message>
        <source>Load it</source>
        <translation>Läs in den</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Ändring</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Fält</translation>
    </message>
    <message>
        <source>What loading the file changes</source>
        <translation>Vad inläsningen av filen ändrar</translation>
    </message>
    <message>
        <source>Importing a file replaces the whole configuration; you see what it changes first.</source>
        <translation>Att importera en fil ersätter hela konfigurationen; du ser först vad den ändrar.</translation>
    </message>
    <message>
        <source>Export the configuration</source>
        <translation>Exportera konfigurationen</translation>
    </message>
    <message>
        <source>Import a configuration</source>
        <translation>Importera en konfiguration</translation>
    </message>
    <message>
        <source>added</source>
        <translation>tillagd</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>borttagen</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>ändrad</translation>
    </message>
    <message>
        <source>The file is the configuration as it is: nothing changes.</source>
        <translation>Filen är konfigurationen som den är: inget ändras.</translation>
    </message>
    <message>
        <source>Loading the file makes {0} changes:</source>
        <translation>Inläsningen av filen gör {0} ändringar:</translation>
    </message>
</context>
<context>
    <name>DtmfPad</name>
    <message>
        <source>Keypad</source>
        <translation>Knappsats</translation>
    </message>
    <message>
        <source>Key {0}</source>
        <translation>Knapp {0}</translation>
    </message>
    <message>
        <source>Send the tone {0} (or type {0})</source>
        <translation>Skicka tonen {0} (eller skriv {0})</translation>
    </message>
</context>
<context>
    <name>EntryPointEditor</name>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Språk</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Öppettider</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>Välkomstmeddelande</translation>
    </message>
    <message>
        <source>Then</source>
        <translation>Sedan</translation>
    </message>
    <message>
        <source>When closed</source>
        <translation>När stängt</translation>
    </message>
    <message>
        <source>When nobody is logged in</source>
        <translation>När ingen är inloggad</translation>
    </message>
</context>
<context>
    <name>ExceptionsEditor</name>
    <message>
        <source>en_GB</source>
        <comment>the calendar&apos;s locale</comment>
        <translation>sv_SE</translation>
    </message>
    <message>
        <source>Holidays and exceptions</source>
        <translation>Helgdagar och undantag</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Dag</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öppet</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Från</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Till</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Varför</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Undantag</translation>
    </message>
    <message>
        <source>Add an exception on the chosen day</source>
        <translation>Lägg till ett undantag på vald dag</translation>
    </message>
    <message>
        <source>Remove the exception</source>
        <translation>Ta bort undantaget</translation>
    </message>
    <message>
        <source>{0} {1} (eve)</source>
        <translation>{0} {1} (afton)</translation>
    </message>
    <message>
        <source>Holidays this month: {0}</source>
        <translation>Helgdagar denna månad: {0}</translation>
    </message>
    <message>
        <source>No holidays this month.</source>
        <translation>Inga helgdagar denna månad.</translation>
    </message>
    <message>
        <source>open</source>
        <translation>öppet</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>stängt</translation>
    </message>
</context>
<context>
    <name>HeldModel</name>
    <message>
        <source>Caller</source>
        <translation>Uppringare</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>Väntat</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Anteckning</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
    <message>
        <source>Came back: {0} did not answer</source>
        <translation>Tillbaka: {0} svarade inte</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>I väntan</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>Parkerad</translation>
    </message>
</context>
<context>
    <name>ItemEditor</name>
    <message>
        <source>Items</source>
        <translation>Poster</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Ny</translation>
    </message>
    <message>
        <source>A new item ({0})</source>
        <translation>En ny post ({0})</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Spara</translation>
    </message>
    <message>
        <source>Send to the server ({0})</source>
        <translation>Skicka till servern ({0})</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Ångra</translation>
    </message>
    <message>
        <source>Back to what the server has ({0})</source>
        <translation>Tillbaka till det servern har ({0})</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Ta bort</translation>
    </message>
    <message>
        <source>The server refused the change; nothing was saved.</source>
        <translation>Servern vägrade ändringen; inget sparades.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Sparar…</translation>
    </message>
    <message>
        <source>New, not saved</source>
        <translation>Ny, inte sparad</translation>
    </message>
    <message>
        <source>Changed, not saved</source>
        <translation>Ändrad, inte sparad</translation>
    </message>
    <message>
        <source>As saved on the server</source>
        <translation>Som sparad på servern</translation>
    </message>
    <message>
        <source>Save ({0}) or revert ({1}) the changes first.</source>
        <translation>Spara ({0}) eller ångra ({1}) ändringarna först.</translation>
    </message>
</context>
<context>
    <name>KeysEditor</name>
    <message>
        <source>Key</source>
        <translation>Knapp</translation>
    </message>
    <message>
        <source>Does</source>
        <translation>Gör</translation>
    </message>
    <message>
        <source>Plays</source>
        <translation>Spelar</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Knappar</translation>
    </message>
    <message>
        <source>Key to add</source>
        <translation>Knapp att lägga till</translation>
    </message>
    <message>
        <source>Add the key</source>
        <translation>Lägg till knappen</translation>
    </message>
    <message>
        <source>Remove the key</source>
        <translation>Ta bort knappen</translation>
    </message>
    <message>
        <source>Key {0}:</source>
        <translation>Knapp {0}:</translation>
    </message>
    <message>
        <source>No key chosen</source>
        <translation>Ingen knapp vald</translation>
    </message>
</context>
<context>
    <name>LicenceChart</name>
    <message>
        <source>Agents logged in at once, per day</source>
        <translation>Agenter inloggade samtidigt, per dag</translation>
    </message>
    <message>
        <source>The most on one day: {0}; the limit: {1}</source>
        <translation>Flest på en dag: {0}; gränsen: {1}</translation>
    </message>
</context>
<context>
    <name>LicenceDesk</name>
    <message>
        <source>The licence allows {0} now.</source>
        <translation>Licensen tillåter {0} nu.</translation>
    </message>
</context>
<context>
    <name>LicencePanel</name>
    <message>
        <source>Agents logged in at once</source>
        <translation>Agenter inloggade samtidigt</translation>
    </message>
    <message>
        <source> agents</source>
        <translation> agenter</translation>
    </message>
    <message>
        <source>Set the limit</source>
        <translation>Sätt gränsen</translation>
    </message>
    <message>
        <source>Read the use again</source>
        <translation>Läs användningen igen</translation>
    </message>
    <message>
        <source>The licence allows {0} agents logged in at once.</source>
        <translation>Licensen tillåter {0} agenter inloggade samtidigt.</translation>
    </message>
    <message>
        <source>No licence is set: nothing limits how many agents log in.</source>
        <translation>Ingen licens är satt: inget begränsar hur många agenter som loggar in.</translation>
    </message>
    <message>
        <source>The most in the last {0} days: {1}, on {2}.</source>
        <translation>Flest de senaste {0} dagarna: {1}, den {2}.</translation>
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
        <source>Set by your organisation&apos;s IT department</source>
        <translation>Inställd av organisationens IT-avdelning</translation>
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
    <name>MailServerDesk</name>
    <message>
        <source>No test mail: {0}</source>
        <translation>Inget testmejl: {0}</translation>
    </message>
    <message>
        <source>The mail server {0} took a test mail to {1}.</source>
        <translation>E-postservern {0} tog emot ett testmejl till {1}.</translation>
    </message>
</context>
<context>
    <name>MailServerEditor</name>
    <message>
        <source>Test mail to</source>
        <translation>Testmejl till</translation>
    </message>
    <message>
        <source>an e-mail address</source>
        <translation>en e-postadress</translation>
    </message>
    <message>
        <source>Send a &amp;test mail</source>
        <translation>Skicka ett &amp;testmejl</translation>
    </message>
    <message>
        <source>Through the mail server as saved, at once</source>
        <translation>Genom e-postservern som den är sparad, genast</translation>
    </message>
    <message>
        <source>Save the mail server first: the test mail goes through it.</source>
        <translation>Spara e-postservern först: testmejlet går genom den.</translation>
    </message>
    <message>
        <source>Sending a test mail…</source>
        <translation>Skickar ett testmejl…</translation>
    </message>
    <message>
        <source>STARTTLS (port 587)</source>
        <translation>STARTTLS (port 587)</translation>
    </message>
    <message>
        <source>TLS from the start (port 465)</source>
        <translation>TLS från början (port 465)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <translation>SMTP-server</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Encryption</source>
        <translation>Kryptering</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <source>Sender (From)</source>
        <translation>Avsändare (From)</translation>
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
        <source>Work area</source>
        <translation>Arbetsyta</translation>
    </message>
    <message>
        <source>Take calls (agent mode)</source>
        <translation>Ta samtal (agentläge)</translation>
    </message>
    <message>
        <source>Directory and lines</source>
        <translation>Katalog och linjer</translation>
    </message>
    <message>
        <source>Supervisor view</source>
        <translation>Gruppledarvy</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
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
        <source>The server has a problem: {0}</source>
        <translation>Servern har ett problem: {0}</translation>
    </message>
    <message>
        <source>{0} — server {1}, protocol {2}</source>
        <translation>{0} — server {1}, protokoll {2}</translation>
    </message>
</context>
<context>
    <name>MenuEditor</name>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Språk</translation>
    </message>
    <message>
        <source>Plays</source>
        <translation>Spelar</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Knappar</translation>
    </message>
    <message>
        <source>Wait for a key</source>
        <translation>Vänta på en knapp</translation>
    </message>
    <message>
        <source>Tries again</source>
        <translation>Försök till</translation>
    </message>
    <message>
        <source>On a wrong key, play</source>
        <translation>Vid fel knapp, spela</translation>
    </message>
    <message>
        <source>When no key comes</source>
        <translation>När ingen knapp trycks</translation>
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
        <source>The server said no: {0}</source>
        <translation>Servern sade nej: {0}</translation>
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
    <name>MoveDialog</name>
    <message>
        <source>Move the call to another queue</source>
        <translation>Flytta samtalet till en annan kö</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>{0}, waiting {1} in {2}. The time waited goes with the call.</source>
        <translation>{0}, har väntat {1} i {2}. Väntetiden följer med samtalet.</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
    <message>
        <source>&amp;Queue:</source>
        <translation>&amp;Kö:</translation>
    </message>
    <message>
        <source>&amp;Move</source>
        <translation>&amp;Flytta</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>Message</source>
        <translation>Meddelande</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notering</translation>
    </message>
</context>
<context>
    <name>ParkedTableModel</name>
    <message>
        <source>Caller</source>
        <translation>Uppringare</translation>
    </message>
    <message>
        <source>From queue</source>
        <translation>Från kö</translation>
    </message>
    <message>
        <source>Waited</source>
        <translation>Väntat</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
</context>
<context>
    <name>PhoneDesk</name>
    <message>
        <source>The phone could not do that: {0}</source>
        <translation>Telefonen kunde inte göra det: {0}</translation>
    </message>
    <message>
        <source>Numbers are called through the server: log in first.</source>
        <translation>Nummer rings via servern: logga in först.</translation>
    </message>
    <message>
        <source>{0} cannot be called: a number is digits, with + before a country code.</source>
        <translation>{0} går inte att ringa: ett nummer är siffror, med + före landsnumret.</translation>
    </message>
    <message>
        <source>This server takes no calls: numbers cannot be called.</source>
        <translation>Servern tar inte emot samtal: nummer går inte att ringa.</translation>
    </message>
    <message>
        <source>The server has no outside line: numbers cannot be called.</source>
        <translation>Servern har ingen extern linje: nummer går inte att ringa.</translation>
    </message>
    <message>
        <source>Not connected to the server.</source>
        <translation>Inte ansluten till servern.</translation>
    </message>
</context>
<context>
    <name>PhonePanel</name>
    <message>
        <source>The phone takes no calls: the server&apos;s SIP connection presented another certificate than the server&apos;s own, so the phone refused it. Ask IT.</source>
        <translation>Telefonen tar inga samtal: serverns SIP-anslutning visade ett annat certifikat än serverns eget, så telefonen vägrade den. Fråga IT.</translation>
    </message>
    <message>
        <source>The phone takes no calls: the server refused it ({0}).</source>
        <translation>Telefonen tar inga samtal: servern vägrade den ({0}).</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Call state</source>
        <translation>Samtalsläge</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>Mikrofon av</translation>
    </message>
    <message>
        <source>Microphone muted</source>
        <translation>Mikrofonen är avstängd</translation>
    </message>
    <message>
        <source>Call time</source>
        <translation>Samtalstid</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>Uppringare</translation>
    </message>
    <message>
        <source>Queue and wait</source>
        <translation>Kö och väntetid</translation>
    </message>
    <message>
        <source>Another call</source>
        <translation>Ett till samtal</translation>
    </message>
    <message>
        <source>Phone message</source>
        <translation>Meddelande från telefonen</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Svara</translation>
    </message>
    <message>
        <source>Answer the call</source>
        <translation>Svara på samtalet</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>Avböj</translation>
    </message>
    <message>
        <source>Decline the offer</source>
        <translation>Avböj samtalet</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Lägg på</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>Avsluta samtalet</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>Vänteläge</translation>
    </message>
    <message>
        <source>Hold the call</source>
        <translation>Sätt samtalet i vänteläge</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Tysta</translation>
    </message>
    <message>
        <source>Mute the microphone</source>
        <translation>Stäng av mikrofonen</translation>
    </message>
    <message>
        <source>Keypad</source>
        <translation>Knappsats</translation>
    </message>
    <message>
        <source>Show the keypad</source>
        <translation>Visa knappsatsen</translation>
    </message>
    <message>
        <source>Transfer…</source>
        <translation>Koppla…</translation>
    </message>
    <message>
        <source>Transfer the call</source>
        <translation>Koppla samtalet vidare</translation>
    </message>
    <message>
        <source>Park</source>
        <translation>Parkera</translation>
    </message>
    <message>
        <source>Park the caller in your personal queue</source>
        <translation>Parkera den som ringer i din personliga kö</translation>
    </message>
    <message>
        <source>SMS…</source>
        <translation>Sms…</translation>
    </message>
    <message>
        <source>Send an SMS to the caller</source>
        <translation>Skicka sms till den som ringde</translation>
    </message>
    <message>
        <source>Send an SMS from a template to the caller of the current or last call</source>
        <translation>Skicka ett sms från en mall till den som ringer eller ringde senast</translation>
    </message>
    <message>
        <source>Sound…</source>
        <translation>Ljud…</translation>
    </message>
    <message>
        <source>Sound and answering settings</source>
        <translation>Inställningar för ljud och svar</translation>
    </message>
    <message>
        <source>Microphone, speaker, ringer and auto-answer</source>
        <translation>Mikrofon, högtalare, ringsignal och autosvar</translation>
    </message>
    <message>
        <source>Auto-answer on</source>
        <translation>Autosvar på</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>Autosvar</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Samtal</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historik</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Inkommande samtal</translation>
    </message>
    <message>
        <source>{0} is calling</source>
        <translation>{0} ringer</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>Missat samtal</translation>
    </message>
    <message>
        <source>{0} was not answered</source>
        <translation>{0} blev inte besvarat</translation>
    </message>
    <message>
        <source>No sound devices: calls connect without sound.</source>
        <translation>Inga ljudenheter: samtal kopplas utan ljud.</translation>
    </message>
    <message>
        <source>{0} is not connected or stopped working; the system default is used. Choose it again under Sound… when it is back.</source>
        <translation>{0} är inte ansluten eller slutade fungera; systemets standard används. Välj den igen under Ljud… när den är tillbaka.</translation>
    </message>
    <message>
        <source>Only a caller from a queue can be transferred.</source>
        <translation>Bara en uppringare från en kö kan kopplas vidare.</translation>
    </message>
    <message>
        <source>Only a caller from a queue can be parked.</source>
        <translation>Bara den som ringer från en kö kan parkeras.</translation>
    </message>
    <message>
        <source>History ({0} missed)</source>
        <translation>Historik ({0} missade)</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Ringer</translation>
    </message>
    <message>
        <source>Calling</source>
        <translation>Ringer upp</translation>
    </message>
    <message>
        <source>In call</source>
        <translation>I samtal</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>I vänteläge</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>Inget samtal</translation>
    </message>
    <message>
        <source>Waiting for calls</source>
        <translation>Väntar på samtal</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
    <message>
        <source>Also ringing: {0}</source>
        <translation>Ringer också: {0}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
    <message>
        <source>Resume the call</source>
        <translation>Återuppta samtalet</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Ljud på</translation>
    </message>
    <message>
        <source>Callback to {0} from {1}</source>
        <translation>Återuppringning till {0} från {1}</translation>
    </message>
    <message>
        <source>{0} from {1}</source>
        <translation>{0} från {1}</translation>
    </message>
    <message>
        <source>Waiting for the caller&apos;s details…</source>
        <translation>Väntar på uppgifter om uppringaren…</translation>
    </message>
    <message>
        <source>Callback · {0} · waited {1}</source>
        <translation>Återuppringning · {0} · väntat {1}</translation>
    </message>
    <message>
        <source>{0} · waited {1}</source>
        <translation>{0} · väntat {1}</translation>
    </message>
</context>
<context>
    <name>PickDialog</name>
    <message>
        <source>Offer the call to an agent</source>
        <translation>Erbjud samtalet till en agent</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>&amp;Ring the agent now (the agent must be ready)</source>
        <translation>&amp;Ring agenten nu (agenten måste vara redo)</translation>
    </message>
    <message>
        <source>&amp;Put it in the agent&apos;s personal queue</source>
        <translation>&amp;Lägg det i agentens personliga kö</translation>
    </message>
    <message>
        <source>{0}, waiting {1} in {2}.</source>
        <translation>{0}, har väntat {1} i {2}.</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
    <message>
        <source>No member of {0} is logged in.</source>
        <translation>Ingen medlem i {0} är inloggad.</translation>
    </message>
    <message>
        <source>&amp;Agent:</source>
        <translation>&amp;Agent:</translation>
    </message>
    <message>
        <source>&amp;Offer</source>
        <translation>&amp;Erbjud</translation>
    </message>
</context>
<context>
    <name>PromptModel</name>
    <message>
        <source>custom file</source>
        <translation>egen fil</translation>
    </message>
    <message>
        <source>default</source>
        <translation>standard</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Meddelande</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Ljud</translation>
    </message>
</context>
<context>
    <name>PromptsDesk</name>
    <message>
        <source>the recording</source>
        <translation>inspelningen</translation>
    </message>
    <message>
        <source>Playing {0}…</source>
        <translation>Spelar {0}…</translation>
    </message>
    <message>
        <source>Cannot play {0}: {1}</source>
        <translation>Kan inte spela {0}: {1}</translation>
    </message>
    <message>
        <source>Played {0} ({1:.1f} s)</source>
        <translation>Spelade {0} ({1:.1f} s)</translation>
    </message>
    <message>
        <source>{0} now plays your recording</source>
        <translation>{0} spelar nu din inspelning</translation>
    </message>
    <message>
        <source>{0} now plays {1}</source>
        <translation>{0} spelar nu {1}</translation>
    </message>
    <message>
        <source>{0} now says your text</source>
        <translation>{0} säger nu din text</translation>
    </message>
    <message>
        <source>Calling {0} to record {1}…</source>
        <translation>Ringer {0} för att spela in {1}…</translation>
    </message>
    <message>
        <source>Recording {0}: speak after the tone, press # when done</source>
        <translation>Spelar in {0}: tala efter tonen, tryck # när du är klar</translation>
    </message>
    <message>
        <source>{0} now plays the recording from {1} ({2:.1f} s)</source>
        <translation>{0} spelar nu inspelningen från {1} ({2:.1f} s)</translation>
    </message>
    <message>
        <source>Recording {0} by phone failed: {1}</source>
        <translation>Inspelningen av {0} per telefon misslyckades: {1}</translation>
    </message>
</context>
<context>
    <name>PromptsPanel</name>
    <message>
        <source>Language</source>
        <translation>Språk</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>Svenska</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Engelska</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>Meddelanden</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>Lyssna</translation>
    </message>
    <message>
        <source>Play the selected prompt here ({0})</source>
        <translation>Spela det valda meddelandet här ({0})</translation>
    </message>
    <message>
        <source>Upload a sound file…</source>
        <translation>Ladda upp en ljudfil…</translation>
    </message>
    <message>
        <source>WAV, MP3 or OGG; the server converts it ({0})</source>
        <translation>WAV, MP3 eller OGG; servern konverterar den ({0})</translation>
    </message>
    <message>
        <source>Make from text…</source>
        <translation>Gör av text…</translation>
    </message>
    <message>
        <source>The server speaks the words you write ({0})</source>
        <translation>Servern läser upp orden du skriver ({0})</translation>
    </message>
    <message>
        <source>Record…</source>
        <translation>Spela in…</translation>
    </message>
    <message>
        <source>Record it from this computer&apos;s microphone ({0})</source>
        <translation>Spela in den med datorns mikrofon ({0})</translation>
    </message>
    <message>
        <source>A sound file for {0}</source>
        <translation>En ljudfil för {0}</translation>
    </message>
    <message>
        <source>Sound files (*.wav *.mp3 *.ogg)</source>
        <translation>Ljudfiler (*.wav *.mp3 *.ogg)</translation>
    </message>
    <message>
        <source>Make from text</source>
        <translation>Gör av text</translation>
    </message>
    <message>
        <source>What {0} says:</source>
        <translation>Det {0} säger:</translation>
    </message>
    <message>
        <source>Record by phone…</source>
        <translation>Spela in per telefon…</translation>
    </message>
    <message>
        <source>The server calls your phone and records what you say ({0})</source>
        <translation>Servern ringer din telefon och spelar in det du säger ({0})</translation>
    </message>
    <message>
        <source>Record by phone</source>
        <translation>Spela in per telefon</translation>
    </message>
    <message>
        <source>The server calls this phone: after the tone, say {0} and press #.
A number, or a SIP URI such as sip:name@host:</source>
        <translation>Servern ringer den här telefonen: säg {0} efter tonen och tryck #.
Ett nummer, eller en SIP-URI som sip:namn@värd:</translation>
    </message>
</context>
<context>
    <name>QueueEditor</name>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>Strategi</translation>
    </message>
    <message>
        <source>Skills required</source>
        <translation>Kompetenser som krävs</translation>
    </message>
    <message>
        <source>Tiers that ring</source>
        <translation>Nivåer som ringer</translation>
    </message>
    <message>
        <source>Widening (tiers added after a wait)</source>
        <translation>Breddning (nivåer som läggs till efter en väntan)</translation>
    </message>
    <message>
        <source>After (s)</source>
        <translation>Efter (s)</translation>
    </message>
    <message>
        <source>Tiers</source>
        <translation>Nivåer</translation>
    </message>
    <message>
        <source>Skill levels relaxed</source>
        <translation>Sänkta kompetensnivåer</translation>
    </message>
    <message>
        <source>Service goal (%)</source>
        <translation>Servicemål (%)</translation>
    </message>
    <message>
        <source>Answered within</source>
        <translation>Besvarade inom</translation>
    </message>
    <message>
        <source>Ring an agent (RONA after)</source>
        <translation>Ring en agent (RONA efter)</translation>
    </message>
    <message>
        <source>After a missed call</source>
        <translation>Efter ett missat samtal</translation>
    </message>
    <message>
        <source>pause the agent</source>
        <translation>pausa agenten</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Efterarbete</translation>
    </message>
    <message>
        <source>Same agent again within</source>
        <translation>Samma agent igen inom</translation>
    </message>
    <message>
        <source>Not the same agent again for</source>
        <translation>Inte samma agent igen på</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Vikt</translation>
    </message>
    <message>
        <source>Announcements</source>
        <translation>Meddelanden</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Öppettider</translation>
    </message>
    <message>
        <source>When closed</source>
        <translation>När stängt</translation>
    </message>
    <message>
        <source>When nobody is logged in</source>
        <translation>När ingen är inloggad</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>Längsta väntan</translation>
    </message>
    <message>
        <source>Then overflow to</source>
        <translation>Sedan vidare till</translation>
    </message>
    <message>
        <source>Most callers waiting</source>
        <translation>Flest väntande</translation>
    </message>
    <message>
        <source>Beyond that, to</source>
        <translation>Fler än så, till</translation>
    </message>
    <message>
        <source>Priority raised while waiting</source>
        <translation>Prioritet som höjs under väntan</translation>
    </message>
    <message>
        <source>Skill</source>
        <translation>Kompetens</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Nivå</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Väntar</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>Längsta väntetid</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>I samtal</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paus</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Efterarbete</translation>
    </message>
    <message>
        <source>Service level</source>
        <translation>Servicenivå</translation>
    </message>
    <message>
        <source>Goal</source>
        <translation>Mål</translation>
    </message>
    <message>
        <source>Answered within the goal today, of the calls offered today</source>
        <translation>Besvarade inom målet i dag, av samtalen som erbjudits i dag</translation>
    </message>
    <message>
        <source>The service goal: this share answered within these seconds</source>
        <translation>Servicemålet: så stor andel besvarad inom så många sekunder</translation>
    </message>
    <message>
        <source>{0:.0f} % in {1:.0f} s</source>
        <translation>{0:.0f} % inom {1:.0f} s</translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <source>Callers waiting</source>
        <translation>Uppringare som väntar</translation>
    </message>
    <message>
        <source>Queue {0}</source>
        <translation>Kö {0}</translation>
    </message>
    <message>
        <source>{0} waiting</source>
        <translation>{0} väntar</translation>
    </message>
    <message>
        <source>Longest wait {0}</source>
        <translation>Längsta väntetid {0}</translation>
    </message>
    <message>
        <source>A new caller waits about {0}</source>
        <translation>Ny uppringare väntar cirka {0}</translation>
    </message>
    <message>
        <source>Service level {0} (goal {1:.0f} % in {2:.0f} s)</source>
        <translation>Servicenivå {0} (mål {1:.0f} % inom {2:.0f} s)</translation>
    </message>
    <message>
        <source>Today: {0} answered, {1} abandoned</source>
        <translation>I dag: {0} besvarade, {1} avbrutna</translation>
    </message>
    <message>
        <source>Ready {0} · on a call {1} · wrap-up {2} · paused {3}</source>
        <translation>Redo {0} · i samtal {1} · efterarbete {2} · paus {3}</translation>
    </message>
    <message>
        <source>Waits longer than the goal</source>
        <translation>Väntar längre än målet</translation>
    </message>
    <message>
        <source>Many callers waiting</source>
        <translation>Många väntar</translation>
    </message>
    <message>
        <source>Below the service goal</source>
        <translation>Under servicemålet</translation>
    </message>
</context>
<context>
    <name>RealtimeView</name>
    <message>
        <source>Real-time view</source>
        <translation>Realtidsvy</translation>
    </message>
    <message>
        <source>Supervisor: queues and agents now</source>
        <translation>Arbetsledare: köer och agenter just nu</translation>
    </message>
    <message>
        <source>Switchboard: directory, presence and lines</source>
        <translation>Växel: katalog, hänvisning och linjer</translation>
    </message>
    <message>
        <source>Queues and agents now (read-only)</source>
        <translation>Köer och agenter just nu (endast läsning)</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Köer</translation>
    </message>
    <message>
        <source>Find an agent by name ({0})</source>
        <translation>Sök agent på namn ({0})</translation>
    </message>
    <message>
        <source>Find an agent by name</source>
        <translation>Sök agent på namn</translation>
    </message>
    <message>
        <source>Show the agents of a queue</source>
        <translation>Visa agenterna i en kö</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alla köer</translation>
    </message>
    <message>
        <source>Show the agents in a state</source>
        <translation>Visa agenterna med en status</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Alla statusar</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenter</translation>
    </message>
    <message>
        <source>Make ready</source>
        <translation>Gör redo</translation>
    </message>
    <message>
        <source>Make the selected agent ready ({0})</source>
        <translation>Gör den valda agenten redo ({0})</translation>
    </message>
    <message>
        <source>Pause reason</source>
        <translation>Pausorsak</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Paus</translation>
    </message>
    <message>
        <source>Pause the selected agent with the reason beside ({0})</source>
        <translation>Pausa den valda agenten med orsaken bredvid ({0})</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Logga ut</translation>
    </message>
    <message>
        <source>Log the selected agent out of every queue ({0})</source>
        <translation>Logga ut den valda agenten ur alla köer ({0})</translation>
    </message>
    <message>
        <source>TV mode</source>
        <translation>TV-läge</translation>
    </message>
    <message>
        <source>Show the wallboard full-screen; Esc ends it ({0})</source>
        <translation>Visa anslagstavlan i helskärm; Esc avslutar ({0})</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Tavla</translation>
    </message>
    <message>
        <source>Every queue</source>
        <translation>Alla köer</translation>
    </message>
    <message>
        <source>&amp;Board</source>
        <translation>&amp;Tavla</translation>
    </message>
    <message>
        <source>New board…</source>
        <translation>Ny tavla …</translation>
    </message>
    <message>
        <source>Edit board…</source>
        <translation>Redigera tavlan …</translation>
    </message>
    <message>
        <source>Delete board</source>
        <translation>Ta bort tavlan</translation>
    </message>
    <message>
        <source>Agents and queues</source>
        <translation>Agenter och köer</translation>
    </message>
    <message>
        <source>Wallboard</source>
        <translation>Anslagstavla</translation>
    </message>
    <message>
        <source>Storm message</source>
        <translation>Stormmeddelande</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>Meddelanden</translation>
    </message>
    <message>
        <source>Voicemail</source>
        <translation>Röstbrevlåda</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Rapporter</translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation>Inspelningar</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Katalog</translation>
    </message>
    <message>
        <source>Delete the board {0}? Its web links stop working.</source>
        <translation>Ta bort tavlan {0}? Dess webblänkar slutar fungera.</translation>
    </message>
    <message>
        <source>Calls waiting ({0})</source>
        <translation>Samtal i kö ({0})</translation>
    </message>
    <message>
        <source>{0} of {1} agents</source>
        <translation>{0} av {1} agenter</translation>
    </message>
    <message>
        <source>Selected: {0}</source>
        <translation>Vald: {0}</translation>
    </message>
    <message>
        <source>Select an agent to act on it</source>
        <translation>Välj en agent för att göra något med den</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Record {0}</source>
        <translation>Spela in {0}</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Mikrofonens nivå</translation>
    </message>
    <message>
        <source>&amp;Record</source>
        <translation>&amp;Spela in</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>S&amp;toppa</translation>
    </message>
    <message>
        <source>&amp;Listen</source>
        <translation>&amp;Lyssna</translation>
    </message>
    <message>
        <source>&amp;Use this recording</source>
        <translation>&amp;Använd inspelningen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <source>Speak after pressing Record; stop when you are done.</source>
        <translation>Tala när du har tryckt på Spela in; stoppa när du är klar.</translation>
    </message>
    <message>
        <source>Cannot record: {0}</source>
        <translation>Kan inte spela in: {0}</translation>
    </message>
    <message>
        <source>The recording stopped at its longest, 5 minutes.</source>
        <translation>Inspelningen stoppades vid sin längsta längd, 5 minuter.</translation>
    </message>
    <message>
        <source>{0:.1f} s recorded</source>
        <translation>{0:.1f} s inspelat</translation>
    </message>
</context>
<context>
    <name>RecordingsDesk</name>
    <message>
        <source>The recording arrived damaged (its checksum differs); try again</source>
        <translation>Inspelningen kom fram skadad (kontrollsumman skiljer sig); försök igen</translation>
    </message>
    <message>
        <source>Playing the recording…</source>
        <translation>Spelar upp inspelningen…</translation>
    </message>
    <message>
        <source>Cannot play the recording: {0}</source>
        <translation>Kan inte spela upp inspelningen: {0}</translation>
    </message>
    <message>
        <source>Played the recording ({0:.1f} s)</source>
        <translation>Spelade upp inspelningen ({0:.1f} s)</translation>
    </message>
    <message>
        <source>Making the {0} file…</source>
        <translation>Gör {0}-filen…</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>Kan inte skriva {0}: {1}</translation>
    </message>
    <message>
        <source>Exported to {0}</source>
        <translation>Exporterad till {0}</translation>
    </message>
    <message>
        <source>Tag added</source>
        <translation>Taggen är tillagd</translation>
    </message>
    <message>
        <source>Tag removed</source>
        <translation>Taggen är borttagen</translation>
    </message>
    <message>
        <source>Kept: it is never purged</source>
        <translation>Behålls: den rensas aldrig bort</translation>
    </message>
    <message>
        <source>No longer kept</source>
        <translation>Behålls inte längre</translation>
    </message>
</context>
<context>
    <name>RecordingsModel</name>
    <message>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>behålls</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Startade</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>Uppringare</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Längd</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Taggar</translation>
    </message>
    <message>
        <source>Kept</source>
        <translation>Behålls</translation>
    </message>
</context>
<context>
    <name>RecordingsPanel</name>
    <message>
        <source> days</source>
        <translation> dagar</translation>
    </message>
    <message>
        <source>Days back</source>
        <translation>Dagar bakåt</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>any queue</source>
        <translation>alla köer</translation>
    </message>
    <message>
        <source>Tag searched for</source>
        <translation>Sökt tagg</translation>
    </message>
    <message>
        <source>any tag</source>
        <translation>alla taggar</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Sök</translation>
    </message>
    <message>
        <source>Search the recordings again</source>
        <translation>Sök bland inspelningarna igen</translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation>Inspelningar</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>Lyssna</translation>
    </message>
    <message>
        <source>Play the recording here</source>
        <translation>Spela upp inspelningen här</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportera…</translation>
    </message>
    <message>
        <source>Save the recording as a WAV, MP3 or Ogg file</source>
        <translation>Spara inspelningen som en WAV-, MP3- eller Ogg-fil</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Tagg</translation>
    </message>
    <message>
        <source>tag</source>
        <translation>tagg</translation>
    </message>
    <message>
        <source>Add tag</source>
        <translation>Lägg till tagg</translation>
    </message>
    <message>
        <source>Add the tag typed to the recording</source>
        <translation>Lägg till den inskrivna taggen på inspelningen</translation>
    </message>
    <message>
        <source>Remove tag</source>
        <translation>Ta bort tagg</translation>
    </message>
    <message>
        <source>Remove the tag typed from the recording</source>
        <translation>Ta bort den inskrivna taggen från inspelningen</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Behåll</translation>
    </message>
    <message>
        <source>Keep the recording: it is never purged</source>
        <translation>Behåll inspelningen: den rensas aldrig bort</translation>
    </message>
    <message>
        <source>&amp;Since</source>
        <translation>&amp;Sedan</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Kö</translation>
    </message>
    <message>
        <source>T&amp;ag</source>
        <translation>T&amp;agg</translation>
    </message>
    <message>
        <source>Recordings found: {0}</source>
        <translation>Inspelningar som hittades: {0}</translation>
    </message>
    <message>
        <source>WAV audio, as recorded (*.wav)</source>
        <translation>WAV-ljud, som inspelat (*.wav)</translation>
    </message>
    <message>
        <source>MP3 audio (*.mp3)</source>
        <translation>MP3-ljud (*.mp3)</translation>
    </message>
    <message>
        <source>Ogg Vorbis audio (*.ogg)</source>
        <translation>Ogg Vorbis-ljud (*.ogg)</translation>
    </message>
    <message>
        <source>Export the recording</source>
        <translation>Exportera inspelningen</translation>
    </message>
</context>
<context>
    <name>ReportChart</name>
    <message>
        <source>Calls offered and service level</source>
        <translation>Erbjudna samtal och servicenivå</translation>
    </message>
    <message>
        <source>{0} calls offered</source>
        <translation>{0} erbjudna samtal</translation>
    </message>
    <message>
        <source>Calls offered (bars) and service level (line, %)</source>
        <translation>Erbjudna samtal (staplar) och servicenivå (linje, %)</translation>
    </message>
</context>
<context>
    <name>ReportScheduleEditor</name>
    <message>
        <source>the day before, every day</source>
        <translation>dagen före, varje dag</translation>
    </message>
    <message>
        <source>the week before, on Mondays</source>
        <translation>veckan före, på måndagar</translation>
    </message>
    <message>
        <source>the month before, on the 1st</source>
        <translation>månaden före, den 1:a</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>Svenska</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Engelska</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Rapport</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>Intervall</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Språk</translation>
    </message>
    <message>
        <source>Mailed at (hour)</source>
        <translation>Skickas klockan (timme)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alla köer</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Mottagare</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>E-postadress</translation>
    </message>
</context>
<context>
    <name>ReportsDesk</name>
    <message>
        <source>Could not save {0}: {1}</source>
        <translation>Kunde inte spara {0}: {1}</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <source>Reports</source>
        <translation>Rapporter</translation>
    </message>
    <message>
        <source>Queues per interval</source>
        <translation>Köer per intervall</translation>
    </message>
    <message>
        <source>Staffing</source>
        <translation>Bemanning</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Handläggare</translation>
    </message>
    <message>
        <source>Classifications</source>
        <translation>Klassningar</translation>
    </message>
    <message>
        <source>Call log</source>
        <translation>Samtalslogg</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 minuter</translation>
    </message>
    <message>
        <source>30 minutes</source>
        <translation>30 minuter</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>Timme</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Dag</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alla köer</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;Visa</translation>
    </message>
    <message>
        <source>Show the report ({0})</source>
        <translation>Visa rapporten ({0})</translation>
    </message>
    <message>
        <source>Sa&amp;ve as file…</source>
        <translation>&amp;Spara som fil…</translation>
    </message>
    <message>
        <source>Save the report as a file ({0})</source>
        <translation>Spara rapporten som fil ({0})</translation>
    </message>
    <message>
        <source>&amp;Report</source>
        <translation>&amp;Rapport</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;Från</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;Till</translation>
    </message>
    <message>
        <source>&amp;Interval</source>
        <translation>&amp;Intervall</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Kö</translation>
    </message>
    <message>
        <source>F&amp;ormat</source>
        <translation>F&amp;ormat</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Rapport</translation>
    </message>
    <message>
        <source>Scheduled reports</source>
        <translation>Schemalagda rapporter</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0} rader</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Sparade {0}</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Spara rapporten</translation>
    </message>
    <message>
        <source>The period must not end before it starts.</source>
        <translation>Perioden får inte sluta innan den börjar.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Från</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Till</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Offered</source>
        <translation>Erbjudna</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Besvarade</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>Avbrutna</translation>
    </message>
    <message>
        <source>Abandoned within 5 s</source>
        <translation>Avbrutna inom 5 s</translation>
    </message>
    <message>
        <source>Overflowed</source>
        <translation>Överflödade</translation>
    </message>
    <message>
        <source>Callbacks</source>
        <translation>Återuppringningar</translation>
    </message>
    <message>
        <source>Service level (%)</source>
        <translation>Servicenivå (%)</translation>
    </message>
    <message>
        <source>Goal (%)</source>
        <translation>Mål (%)</translation>
    </message>
    <message>
        <source>Average wait (s)</source>
        <translation>Medelväntetid (s)</translation>
    </message>
    <message>
        <source>Longest wait (s)</source>
        <translation>Längsta väntetid (s)</translation>
    </message>
    <message>
        <source>Average talk (s)</source>
        <translation>Medelsamtalstid (s)</translation>
    </message>
    <message>
        <source>Average wrap-up (s)</source>
        <translation>Medelefterarbete (s)</translation>
    </message>
    <message>
        <source>Logged in</source>
        <translation>Inloggade</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Upptagna</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Handläggare</translation>
    </message>
    <message>
        <source>Logged in (s)</source>
        <translation>Inloggad (s)</translation>
    </message>
    <message>
        <source>Ready (s)</source>
        <translation>Redo (s)</translation>
    </message>
    <message>
        <source>Wrap-up (s)</source>
        <translation>Efterarbete (s)</translation>
    </message>
    <message>
        <source>Pauses (s)</source>
        <translation>Pauser (s)</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>Klassning</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Antal</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Entry point</source>
        <translation>Ingång</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>Uppringare</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Utfall</translation>
    </message>
    <message>
        <source>Wait (s)</source>
        <translation>Väntetid (s)</translation>
    </message>
    <message>
        <source>Talk (s)</source>
        <translation>Samtalstid (s)</translation>
    </message>
</context>
<context>
    <name>ScheduleEditor</name>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Tidszon</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Öppettider</translation>
    </message>
    <message>
        <source>On holidays</source>
        <translation>På helgdagar</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>stängt</translation>
    </message>
    <message>
        <source>open the holiday hours</source>
        <translation>öppet helgdagstiderna</translation>
    </message>
    <message>
        <source>as any other day</source>
        <translation>som en vanlig dag</translation>
    </message>
    <message>
        <source>Eves</source>
        <translation>Aftnar</translation>
    </message>
    <message>
        <source>Midsommar-, jul- and nyårsafton are holidays</source>
        <translation>Midsommar-, jul- och nyårsafton är helgdagar</translation>
    </message>
    <message>
        <source>Holiday hours</source>
        <translation>Helgdagstider</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Undantag</translation>
    </message>
</context>
<context>
    <name>SecretEditor</name>
    <message>
        <source>unchanged (one is stored)</source>
        <translation>oförändrat (ett är sparat)</translation>
    </message>
    <message>
        <source>none stored</source>
        <translation>inget sparat</translation>
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
    <name>SkillEditor</name>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
</context>
<context>
    <name>SmsDialog</name>
    <message>
        <source>Send an SMS to the caller</source>
        <translation>Skicka sms till den som ringde</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>+46701234567</source>
        <translation>+46701234567</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Avsändare</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Mallar</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Mall:</translation>
    </message>
    <message>
        <source>&amp;Swedish</source>
        <translation>&amp;Svenska</translation>
    </message>
    <message>
        <source>&amp;English</source>
        <translation>&amp;Engelska</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Förhandsvisning</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Längd</translation>
    </message>
    <message>
        <source>SMS status</source>
        <translation>Sms-status</translation>
    </message>
    <message>
        <source>Se&amp;nd</source>
        <translation>S&amp;kicka</translation>
    </message>
    <message>
        <source>Send the SMS</source>
        <translation>Skicka sms:et</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Till:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Från:</translation>
    </message>
    <message>
        <source>No SMS can go to the caller: {0}</source>
        <translation>Inget sms kan skickas till den som ringde: {0}</translation>
    </message>
    <message>
        <source>No SMS templates are configured; ask an administrator.</source>
        <translation>Inga sms-mallar är inlagda; fråga en administratör.</translation>
    </message>
    <message>
        <source>{0} characters</source>
        <translation>{0} tecken</translation>
    </message>
    <message>
        <source>Choose a template.</source>
        <translation>Välj en mall.</translation>
    </message>
    <message>
        <source>Write the number to send to.</source>
        <translation>Skriv numret att skicka till.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Skickar…</translation>
    </message>
    <message>
        <source>The SMS to {0} is on its way (from {1}).</source>
        <translation>Sms:et till {0} är på väg (från {1}).</translation>
    </message>
</context>
<context>
    <name>SmsGatewayEditor</name>
    <message>
        <source>Sender</source>
        <translation>Avsändare</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Kannel (HTTP)</source>
        <translation>Kannel (HTTP)</translation>
    </message>
    <message>
        <source>SMPP to the operator</source>
        <translation>SMPP till operatören</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Värd</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <source>System type (SMPP)</source>
        <translation>Systemtyp (SMPP)</translation>
    </message>
    <message>
        <source>Delivery reports to (Kannel)</source>
        <translation>Leveransrapporter till (Kannel)</translation>
    </message>
    <message>
        <source>Default sender</source>
        <translation>Standardavsändare</translation>
    </message>
    <message>
        <source>Senders by queue</source>
        <translation>Avsändare per kö</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Senders by entry point</source>
        <translation>Avsändare per ingång</translation>
    </message>
    <message>
        <source>Entry point</source>
        <translation>Ingång</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Mallar</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>In Swedish</source>
        <translation>På svenska</translation>
    </message>
    <message>
        <source>In English</source>
        <translation>På engelska</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Handläggare</translation>
    </message>
    <message>
        <source>may write any number</source>
        <translation>får skriva valfritt nummer</translation>
    </message>
</context>
<context>
    <name>StormPanel</name>
    <message>
        <source>Storm messages switched on</source>
        <translation>Påslagna stormmeddelanden</translation>
    </message>
    <message>
        <source>Entry point</source>
        <translation>Ingång</translation>
    </message>
    <message>
        <source>What callers hear</source>
        <translation>Det de som ringer hör</translation>
    </message>
    <message>
        <source>For example: We have a disruption in our telephony right now.</source>
        <translation>Till exempel: Vi har just nu en driftstörning i telefonin.</translation>
    </message>
    <message>
        <source>Switch on</source>
        <translation>Slå på</translation>
    </message>
    <message>
        <source>Every new caller hears it at once, callers waiting at their next message ({0})</source>
        <translation>Nya som ringer hör det direkt, de som väntar vid nästa meddelande ({0})</translation>
    </message>
    <message>
        <source>Switch off</source>
        <translation>Slå av</translation>
    </message>
    <message>
        <source>Callers from now on do not hear it ({0})</source>
        <translation>De som ringer härefter hör det inte ({0})</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meddelande</translation>
    </message>
    <message>
        <source>Switch a storm message</source>
        <translation>Slå på eller av ett stormmeddelande</translation>
    </message>
    <message>
        <source>No storm message is switched on.</source>
        <translation>Inget stormmeddelande är påslaget.</translation>
    </message>
    <message>
        <source>Storm message ON at {0} since {1} ({2}): {3}</source>
        <translation>Stormmeddelande PÅ för {0} sedan {1} ({2}): {3}</translation>
    </message>
    <message>
        <source>the system</source>
        <translation>systemet</translation>
    </message>
    <message>
        <source>recording {0}</source>
        <translation>inspelningen {0}</translation>
    </message>
</context>
<context>
    <name>SwitchboardPanel</name>
    <message>
        <source>Current call</source>
        <translation>Pågående samtal</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Koppling</translation>
    </message>
    <message>
        <source>Name, department or number to connect to</source>
        <translation>Namn, avdelning eller nummer att koppla till</translation>
    </message>
    <message>
        <source>Connect to</source>
        <translation>Koppla till</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personer</translation>
    </message>
    <message>
        <source>Callers on hold</source>
        <translation>Väntande samtal</translation>
    </message>
    <message>
        <source>Connect (Enter)</source>
        <translation>Koppla (Enter)</translation>
    </message>
    <message>
        <source>Announce (Shift+Enter)</source>
        <translation>Koppla med förfrågan (Skift+Enter)</translation>
    </message>
    <message>
        <source>Complete ({0})</source>
        <translation>Slutför ({0})</translation>
    </message>
    <message>
        <source>Back to caller ({0})</source>
        <translation>Tillbaka till uppringaren ({0})</translation>
    </message>
    <message>
        <source>Hold ({0})</source>
        <translation>Vänteläge ({0})</translation>
    </message>
    <message>
        <source>Retrieve ({0})</source>
        <translation>Återta ({0})</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Samtal</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>I väntan</translation>
    </message>
    <message>
        <source>Enter: connect blind to the person chosen or the number typed
Shift+Enter: connect announced (talk to the colleague first)
Ctrl+Enter: complete the announced connection
Esc: back to the caller
F3: hold the caller
F4: retrieve the held caller chosen
Down: from the search to the list</source>
        <translation>Enter: koppla direkt till vald person eller inskrivet nummer
Skift+Enter: koppla med förfrågan (tala med kollegan först)
Ctrl+Enter: slutför kopplingen med förfrågan
Esc: tillbaka till uppringaren
F3: sätt uppringaren i väntan
F4: återta det valda väntande samtalet
Nedåtpil: från sökfältet till listan</translation>
    </message>
    <message>
        <source>Talking with {0}: Ctrl+Enter connects, Esc goes back</source>
        <translation>Talar med {0}: Ctrl+Enter kopplar, Esc går tillbaka</translation>
    </message>
    <message>
        <source>Connected to {0}</source>
        <translation>Kopplad till {0}</translation>
    </message>
    <message>
        <source>Back with the caller ({0} not connected)</source>
        <translation>Tillbaka hos uppringaren ({0} inte kopplad)</translation>
    </message>
    <message>
        <source>Not connected to {0}</source>
        <translation>Inte kopplad till {0}</translation>
    </message>
    <message>
        <source>No call to connect: answer one first</source>
        <translation>Inget samtal att koppla: svara först</translation>
    </message>
    <message>
        <source>A connection is under way: Ctrl+Enter or Esc first</source>
        <translation>En koppling pågår: Ctrl+Enter eller Esc först</translation>
    </message>
    <message>
        <source>Choose a person with a number, or type a number</source>
        <translation>Välj en person med nummer, eller skriv ett nummer</translation>
    </message>
    <message>
        <source>No call to hold</source>
        <translation>Inget samtal att sätta i väntan</translation>
    </message>
    <message>
        <source>Nobody is on hold</source>
        <translation>Ingen väntar</translation>
    </message>
    <message>
        <source>Hold or end the current call before retrieving another</source>
        <translation>Sätt i väntan eller avsluta samtalet innan du återtar ett annat</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>Inget samtal</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
</context>
<context>
    <name>TableEditor</name>
    <message>
        <source>Add a row</source>
        <translation>Lägg till en rad</translation>
    </message>
    <message>
        <source>Remove the row</source>
        <translation>Ta bort raden</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer the call</source>
        <translation>Koppla samtalet vidare</translation>
    </message>
    <message>
        <source>&amp;Agent</source>
        <translation>&amp;Agent</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Kö</translation>
    </message>
    <message>
        <source>&amp;Number</source>
        <translation>&amp;Nummer</translation>
    </message>
    <message>
        <source>&amp;Directory</source>
        <translation>Kata&amp;logen</translation>
    </message>
    <message>
        <source>A person of the directory: their softphone, else their mobile</source>
        <translation>En person i katalogen: deras softphone, annars deras mobil</translation>
    </message>
    <message>
        <source>Transfer to</source>
        <translation>Koppla till</translation>
    </message>
    <message>
        <source>A user name, a queue, a telephone number or a person of the directory</source>
        <translation>Ett användarnamn, en kö, ett telefonnummer eller en person i katalogen</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Till:</translation>
    </message>
    <message>
        <source>Transfer status</source>
        <translation>Kopplingens läge</translation>
    </message>
    <message>
        <source>&amp;Transfer now</source>
        <translation>Koppla &amp;nu</translation>
    </message>
    <message>
        <source>Blind transfer</source>
        <translation>Koppla direkt</translation>
    </message>
    <message>
        <source>Hand the caller over at once (blind transfer)</source>
        <translation>Lämna över uppringaren direkt (blind koppling)</translation>
    </message>
    <message>
        <source>Talk &amp;first</source>
        <translation>Prata &amp;först</translation>
    </message>
    <message>
        <source>Attended transfer</source>
        <translation>Koppla efter samtal</translation>
    </message>
    <message>
        <source>Talk to the target first while the caller hears music (attended)</source>
        <translation>Prata med mottagaren först medan uppringaren hör musik (övervakad koppling)</translation>
    </message>
    <message>
        <source>&amp;Complete transfer</source>
        <translation>&amp;Slutför kopplingen</translation>
    </message>
    <message>
        <source>Complete transfer</source>
        <translation>Slutför kopplingen</translation>
    </message>
    <message>
        <source>Connect the caller with the target</source>
        <translation>Koppla ihop uppringaren med mottagaren</translation>
    </message>
    <message>
        <source>Back to the &amp;caller</source>
        <translation>Tillbaka till &amp;uppringaren</translation>
    </message>
    <message>
        <source>Cancel transfer</source>
        <translation>Avbryt kopplingen</translation>
    </message>
    <message>
        <source>End the consultation and resume the call</source>
        <translation>Avsluta förfrågan och återuppta samtalet</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <source>softphone {0}</source>
        <translation>softphone {0}</translation>
    </message>
    <message>
        <source>mobile {0}</source>
        <translation>mobil {0}</translation>
    </message>
    <message>
        <source>number {0}</source>
        <translation>nummer {0}</translation>
    </message>
    <message>
        <source>Talking with {0}. The caller hears music.</source>
        <translation>Pratar med {0}. Uppringaren hör musik.</translation>
    </message>
    <message>
        <source>Transferred to {0}.</source>
        <translation>Kopplat till {0}.</translation>
    </message>
    <message>
        <source>Back with the caller.</source>
        <translation>Tillbaka hos uppringaren.</translation>
    </message>
    <message>
        <source>the server gave no reason</source>
        <translation>servern angav inget skäl</translation>
    </message>
    <message>
        <source>Transfer failed: {0}</source>
        <translation>Kopplingen misslyckades: {0}</translation>
    </message>
    <message>
        <source>Choose a person from the list: type a part of the name.</source>
        <translation>Välj en person i listan: skriv en del av namnet.</translation>
    </message>
    <message>
        <source>The directory has nobody to transfer to.</source>
        <translation>Katalogen har ingen att koppla till.</translation>
    </message>
    <message>
        <source>Say where to: a user name, a queue or a number.</source>
        <translation>Ange vart: ett användarnamn, en kö eller ett nummer.</translation>
    </message>
    <message>
        <source>A number has digits only, with an optional leading +.</source>
        <translation>Ett nummer har bara siffror, eventuellt med + först.</translation>
    </message>
    <message>
        <source>That is too long for a transfer target.</source>
        <translation>Det är för långt för att koppla till.</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>Kopplar…</translation>
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
<context>
    <name>TrunkEditor</name>
    <message>
        <source>&amp;Refresh the states</source>
        <translation>&amp;Uppdatera lägena</translation>
    </message>
    <message>
        <source>registers with a username</source>
        <translation>registrerar sig med användarnamn</translation>
    </message>
    <message>
        <source>known by its IP address</source>
        <translation>känns igen på sin IP-adress</translation>
    </message>
    <message>
        <source>off</source>
        <translation>av</translation>
    </message>
    <message>
        <source>offered</source>
        <translation>erbjuds</translation>
    </message>
    <message>
        <source>required</source>
        <translation>krävs</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Registrar (host:port)</source>
        <translation>Registrar (värd:port)</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <source>Registration renewed every</source>
        <translation>Registreringen förnyas var</translation>
    </message>
    <message>
        <source>Outbound proxy</source>
        <translation>Utgående proxy</translation>
    </message>
    <message>
        <source>Calls accepted from</source>
        <translation>Samtal tas emot från</translation>
    </message>
    <message>
        <source>Address or network</source>
        <translation>Adress eller nät</translation>
    </message>
    <message>
        <source>Outside calls</source>
        <translation>Externa samtal</translation>
    </message>
    <message>
        <source>leave through this trunk</source>
        <translation>går ut genom den här trunken</translation>
    </message>
    <message>
        <source>Gateway (host:port)</source>
        <translation>Gateway (värd:port)</translation>
    </message>
    <message>
        <source>Caller ID</source>
        <translation>Nummerpresentation</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>SRTP</source>
        <translation>SRTP</translation>
    </message>
    <message>
        <source>registering</source>
        <translation>registrerar</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>registrerad</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>misslyckades</translation>
    </message>
    <message>
        <source>not registered</source>
        <translation>inte registrerad</translation>
    </message>
    <message>
        <source>Registration: none (known by its IP address)</source>
        <translation>Registrering: ingen (känns igen på sin IP-adress)</translation>
    </message>
    <message>
        <source>Registration: {0} since {1}</source>
        <translation>Registrering: {0} sedan {1}</translation>
    </message>
    <message>
        <source>(tried again at {0})</source>
        <translation>(försöker igen {0})</translation>
    </message>
</context>
<context>
    <name>TvWindow</name>
    <message>
        <source>Vaxla wallboard</source>
        <translation>Vaxla anslagstavla</translation>
    </message>
</context>
<context>
    <name>UserEditor</name>
    <message>
        <source>User name</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Visningsnamn</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Roll</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>may log in</source>
        <translation>får logga in</translation>
    </message>
    <message>
        <source>Password (new users)</source>
        <translation>Lösenord (nya användare)</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>agent</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>arbetsledare</translation>
    </message>
    <message>
        <source>receptionist</source>
        <translation>receptionist</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>administratör</translation>
    </message>
</context>
<context>
    <name>VoicemailDesk</name>
    <message>
        <source>New message in {0} from {1}</source>
        <translation>Nytt meddelande i {0} från {1}</translation>
    </message>
    <message>
        <source>Playing the message…</source>
        <translation>Spelar upp meddelandet…</translation>
    </message>
    <message>
        <source>Cannot play the message: {0}</source>
        <translation>Kan inte spela upp meddelandet: {0}</translation>
    </message>
    <message>
        <source>Played the message ({0:.1f} s)</source>
        <translation>Spelade upp meddelandet ({0:.1f} s)</translation>
    </message>
    <message>
        <source>Marked handled</source>
        <translation>Markerat som hanterat</translation>
    </message>
    <message>
        <source>Calling {0} from your phone</source>
        <translation>Ringer {0} från din telefon</translation>
    </message>
</context>
<context>
    <name>VoicemailModel</name>
    <message>
        <source>short</source>
        <translation>kort</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>tyst</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
    <message>
        <source>not handled</source>
        <translation>ej hanterat</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Mottaget</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Längd</translation>
    </message>
    <message>
        <source>Handled by</source>
        <translation>Hanterat av</translation>
    </message>
</context>
<context>
    <name>VoicemailPanel</name>
    <message>
        <source>Voicemail box</source>
        <translation>Röstbrevlåda</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Meddelanden</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>Lyssna</translation>
    </message>
    <message>
        <source>Play the message here</source>
        <translation>Spela upp meddelandet här</translation>
    </message>
    <message>
        <source>Mark handled</source>
        <translation>Markera hanterat</translation>
    </message>
    <message>
        <source>Mark the message handled by you</source>
        <translation>Markera meddelandet som hanterat av dig</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>Ring upp</translation>
    </message>
    <message>
        <source>Call the number from your phone</source>
        <translation>Ring numret från din telefon</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <source>Read the boxes again</source>
        <translation>Läs brevlådorna igen</translation>
    </message>
    <message>
        <source>&amp;Box</source>
        <translation>&amp;Brevlåda</translation>
    </message>
    <message>
        <source>{0} ({1} not handled of {2})</source>
        <translation>{0} ({1} ej hanterade av {2})</translation>
    </message>
</context>
<context>
    <name>VoicemailTaskDesk</name>
    <message>
        <source>Logged out: the voicemail task went back to its queue</source>
        <translation>Utloggad: röstmeddelandet gick tillbaka till sin kö</translation>
    </message>
    <message>
        <source>The voicemail task is over: the message was handled</source>
        <translation>Röstbrevlådeärendet är klart: meddelandet har hanterats</translation>
    </message>
    <message>
        <source>The voicemail task was offered elsewhere</source>
        <translation>Röstbrevlådeärendet erbjöds någon annan</translation>
    </message>
    <message>
        <source>Taken: listen, call back, then mark it handled</source>
        <translation>Taget: lyssna, ring upp och markera det sedan hanterat</translation>
    </message>
    <message>
        <source>Declined: it goes to a colleague</source>
        <translation>Avböjt: det går till en kollega</translation>
    </message>
    <message>
        <source>Marked handled: the voicemail task is done</source>
        <translation>Markerat hanterat: röstbrevlådeärendet är klart</translation>
    </message>
</context>
<context>
    <name>VoicemailTaskPanel</name>
    <message>
        <source>Voicemail task</source>
        <translation>Röstbrevlådeärende</translation>
    </message>
    <message>
        <source>The voicemail message</source>
        <translation>Röstmeddelandet</translation>
    </message>
    <message>
        <source>Take</source>
        <translation>Ta</translation>
    </message>
    <message>
        <source>Take the voicemail task, as answering a call</source>
        <translation>Ta röstbrevlådeärendet, som att svara på ett samtal</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>Avböj</translation>
    </message>
    <message>
        <source>Leave it to a colleague</source>
        <translation>Lämna det till en kollega</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>Lyssna</translation>
    </message>
    <message>
        <source>Play the message here</source>
        <translation>Spela upp meddelandet här</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>Ring upp</translation>
    </message>
    <message>
        <source>Call the caller from your phone</source>
        <translation>Ring den som ringde från din telefon</translation>
    </message>
    <message>
        <source>Mark handled</source>
        <translation>Markera hanterat</translation>
    </message>
    <message>
        <source>Mark the message handled: the task ends</source>
        <translation>Markera meddelandet hanterat: ärendet avslutas</translation>
    </message>
    <message>
        <source>Voicemail task offered to you</source>
        <translation>Röstbrevlådeärende erbjuds dig</translation>
    </message>
    <message>
        <source>Your voicemail task</source>
        <translation>Ditt röstbrevlådeärende</translation>
    </message>
    <message>
        <source>{0} left a message of {1:.0f} s in {2} at {3}</source>
        <translation>{0} lämnade ett meddelande på {1:.0f} s i {2} {3}</translation>
    </message>
</context>
<context>
    <name>WaitingCallsPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Calls waiting</source>
        <translation>Samtal i kö</translation>
    </message>
    <message>
        <source>Find a call by number or entered data ({0})</source>
        <translation>Sök ett samtal på nummer eller inslagna uppgifter ({0})</translation>
    </message>
    <message>
        <source>Find a call by number or entered data</source>
        <translation>Sök ett samtal på nummer eller inslagna uppgifter</translation>
    </message>
    <message>
        <source>Show the calls of a queue</source>
        <translation>Visa samtalen i en kö</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alla köer</translation>
    </message>
    <message>
        <source>Raise priority</source>
        <translation>Höj prioritet</translation>
    </message>
    <message>
        <source>Serve the selected call sooner</source>
        <translation>Betjäna det valda samtalet tidigare</translation>
    </message>
    <message>
        <source>Move to queue…</source>
        <translation>Flytta till kö…</translation>
    </message>
    <message>
        <source>Move the selected call to another queue</source>
        <translation>Flytta det valda samtalet till en annan kö</translation>
    </message>
    <message>
        <source>Offer to agent…</source>
        <translation>Erbjud till agent…</translation>
    </message>
    <message>
        <source>Offer the selected call to an agent you choose</source>
        <translation>Erbjud det valda samtalet till en agent du väljer</translation>
    </message>
    <message>
        <source>Cancel callback</source>
        <translation>Avbryt återuppringning</translation>
    </message>
    <message>
        <source>Cancel the selected callback: the caller is not called back</source>
        <translation>Avbryt den valda återuppringningen: den som ringde blir inte uppringd</translation>
    </message>
    <message>
        <source>Take it myself</source>
        <translation>Ta det själv</translation>
    </message>
    <message>
        <source>Take calls in this window and have the selected call offered to you</source>
        <translation>Ta samtal i det här fönstret och få det valda samtalet erbjudet till dig</translation>
    </message>
    <message>
        <source>{0} of {1} calls</source>
        <translation>{0} av {1} samtal</translation>
    </message>
    <message>
        <source>Select a call to act on it</source>
        <translation>Välj ett samtal för att hantera det</translation>
    </message>
    <message>
        <source>Selected: {0} in {1}</source>
        <translation>Valt: {0} i {1}</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
</context>
<context>
    <name>WaitingTableModel</name>
    <message>
        <source>Queue</source>
        <translation>Kö</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Plats</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioritet</translation>
    </message>
    <message>
        <source>Waited</source>
        <translation>Väntat</translation>
    </message>
    <message>
        <source>Estimated wait</source>
        <translation>Beräknad väntetid</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>Uppringare</translation>
    </message>
    <message>
        <source>Entered data</source>
        <translation>Inslagna uppgifter</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Okänt nummer</translation>
    </message>
    <message>
        <source>Callback to {0} at {1}</source>
        <translation>Återuppringning till {0} klockan {1}</translation>
    </message>
    <message>
        <source>Callback to {0}</source>
        <translation>Återuppringning till {0}</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Ringer</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Väntar</translation>
    </message>
</context>
<context>
    <name>Wallboard</name>
    <message>
        <source>Wallboard</source>
        <translation>Anslagstavla</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>Sida {0} av {1}</translation>
    </message>
</context>
<context>
    <name>WeekGrid</name>
    <message>
        <source>Mon</source>
        <translation>Mån</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>Tis</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>Ons</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>Tor</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>Fre</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>Lör</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>Sön</translation>
    </message>
    <message>
        <source>Drag to open or close hours; or the arrows, Space to switch, Shift+arrows to paint</source>
        <translation>Dra för att öppna eller stänga timmar; eller piltangenterna, mellanslag för att växla, Skift+pilar för att måla</translation>
    </message>
</context>
<context>
    <name>editor</name>
    <message>
        <source>to the queue {0}</source>
        <translation>till kön {0}</translation>
    </message>
    <message>
        <source>to the menu {0}</source>
        <translation>till menyn {0}</translation>
    </message>
    <message>
        <source>collect digits: {0}</source>
        <translation>samla in siffror: {0}</translation>
    </message>
    <message>
        <source>play {0}</source>
        <translation>spela {0}</translation>
    </message>
    <message>
        <source>transfer to {0}</source>
        <translation>koppla till {0}</translation>
    </message>
    <message>
        <source>switch language: {0}</source>
        <translation>byt språk: {0}</translation>
    </message>
    <message>
        <source>hang up</source>
        <translation>lägg på</translation>
    </message>
    <message>
        <source>, then {0}</source>
        <translation>, sedan {0}</translation>
    </message>
</context>
</TS>
