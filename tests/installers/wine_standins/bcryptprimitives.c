/* TEST ONLY, never shipped: a stand-in for Windows 10's bcryptprimitives.dll inside the
 * wine prefix. Wine 8 lacks it; pydantic-core (Rust's std) imports ProcessPrng from it.
 * Here it asks wine's bcrypt for the system's random bytes, as the real one does. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
