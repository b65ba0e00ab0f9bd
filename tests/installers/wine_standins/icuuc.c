/* TEST ONLY, never shipped: a stand-in for Windows 10's icuuc.dll inside the wine prefix.
 *
 * Wine 8 has no icuuc.dll, and Qt 6's Qt6Core.dll imports these ICU converter functions
 * from it (Windows 10 and later ship them). Every converter fails to open here, so Qt
 * falls back to its own UTF-8/UTF-16/Latin-1 codecs, which is all the app uses, and lists
 * no ICU codecs. The functions that work on an open converter are then never called:
 * they only need to exist for the DLL's imports to resolve. */
#include <stddef.h>
#include <stdint.h>

typedef int32_t UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)
/* x64 Windows: the caller cleans up the stack, so a function that is never called may be
 * declared without its parameters. */
#define NEVER_CALLED(name) \
    EXPORT void name(void) {}

EXPORT void *ucnv_open(const char *name, UErrorCode *status) {
    (void)name;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT void ucnv_close(void *converter) { (void)converter; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard,
                                        UErrorCode *status) {
    (void)name; (void)standard;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}

NEVER_CALLED(ucnv_reset)
NEVER_CALLED(ucnv_getMaxCharSize)
NEVER_CALLED(ucnv_getName)
NEVER_CALLED(ucnv_toUCountPending)
NEVER_CALLED(ucnv_fromUCountPending)
NEVER_CALLED(ucnv_getToUCallBack)
NEVER_CALLED(ucnv_getFromUCallBack)
NEVER_CALLED(ucnv_setToUCallBack)
NEVER_CALLED(ucnv_setFromUCallBack)
NEVER_CALLED(ucnv_cbToUWriteUChars)
NEVER_CALLED(ucnv_cbFromUWriteUChars)
NEVER_CALLED(ucnv_toUnicode)
NEVER_CALLED(ucnv_fromUnicode)
NEVER_CALLED(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NEVER_CALLED(UCNV_TO_U_CALLBACK_SUBSTITUTE)
