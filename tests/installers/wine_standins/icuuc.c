/* TEST ONLY, never shipped: a stand-in for Windows 10's icuuc.dll inside the wine prefix.
 *
 * Wine 8 has no icuuc.dll, and Qt 6's Qt6Core.dll imports these ICU converter functions
 * from it (Windows 10 and later ship them). Every converter fails to open here, so Qt
 * falls back to its own UTF-8/UTF-16/Latin-1 codecs, which is all the app uses; the
 * other functions are then never called with a converter and answer as for none. */
#include <stddef.h>
#include <stdint.h>

typedef int32_t UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, UErrorCode *status) {
    (void)name;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT void ucnv_close(void *converter) { (void)converter; }
EXPORT void ucnv_reset(void *converter) { (void)converter; }
EXPORT int8_t ucnv_getMaxCharSize(const void *converter) { (void)converter; return 1; }
EXPORT const char *ucnv_getName(const void *converter, UErrorCode *status) {
    (void)converter;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *status) {
    (void)name; (void)standard; (void)status;
    return NULL;
}
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_toUCountPending(const void *converter, UErrorCode *status) {
    (void)converter; (void)status; return 0;
}
EXPORT int32_t ucnv_fromUCountPending(const void *converter, UErrorCode *status) {
    (void)converter; (void)status; return 0;
}
EXPORT void ucnv_getToUCallBack(const void *converter, void **action, const void **context) {
    (void)converter; if (action) *action = NULL; if (context) *context = NULL;
}
EXPORT void ucnv_getFromUCallBack(const void *converter, void **action, const void **context) {
    (void)converter; if (action) *action = NULL; if (context) *context = NULL;
}
EXPORT void ucnv_setToUCallBack(void *converter, void *action, const void *context,
                                void **old_action, const void **old_context, UErrorCode *status) {
    (void)converter; (void)action; (void)context; (void)old_action; (void)old_context;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_setFromUCallBack(void *converter, void *action, const void *context,
                                  void **old_action, const void **old_context, UErrorCode *status) {
    (void)converter; (void)action; (void)context; (void)old_action; (void)old_context;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const void *source, int32_t length, int32_t offset,
                                  UErrorCode *status) {
    (void)args; (void)source; (void)length; (void)offset;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_cbFromUWriteUChars(void *args, const void **source, const void *limit,
                                    int32_t offset, UErrorCode *status) {
    (void)args; (void)source; (void)limit; (void)offset;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_toUnicode(void *converter, void **target, const void *target_limit,
                           const char **source, const char *source_limit, int32_t *offsets,
                           int8_t flush, UErrorCode *status) {
    (void)converter; (void)target; (void)target_limit; (void)source; (void)source_limit;
    (void)offsets; (void)flush;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_fromUnicode(void *converter, char **target, const char *target_limit,
                             const void **source, const void *source_limit, int32_t *offsets,
                             int8_t flush, UErrorCode *status) {
    (void)converter; (void)target; (void)target_limit; (void)source; (void)source_limit;
    (void)offsets; (void)flush;
    if (status != NULL) *status = U_FILE_ACCESS_ERROR;
}
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *context, void *args, const void *units,
                                            int32_t length, int32_t code_point, int32_t reason,
                                            UErrorCode *status) {
    (void)context; (void)args; (void)units; (void)length; (void)code_point; (void)reason;
    (void)status;
}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *context, void *args, const char *units,
                                          int32_t length, int32_t reason, UErrorCode *status) {
    (void)context; (void)args; (void)units; (void)length; (void)reason; (void)status;
}
