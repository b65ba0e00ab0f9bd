/* vaxla: the app bundle's executable (Vaxla.app/Contents/MacOS/vaxla).
 *
 * Runs `python -I -B -m vaxla_desktop ARGS...` inside the bundle's CPython runtime
 * (Contents/Resources/python/lib/libpython3.11.dylib), in this process: macOS then sees
 * the app itself (its Info.plist, its name in the Dock, the tel:/sip: open events that Qt
 * hands the app as QEvent.FileOpen), not a python executable somewhere inside it. -B: the
 * bundle is never written to (that would break its signature); every .py is compiled
 * ahead when the bundle is built. Cross-compiled with `zig cc` (installers/build.py). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define RUNTIME "@executable_path/../Resources/python/lib/libpython3.11.dylib"
#define FIXED_ARGS 4

typedef int (*py_main_t)(int, wchar_t **);
typedef void (*set_home_t)(const wchar_t *);
typedef wchar_t *(*decode_t)(const char *, size_t *);

static int fail(const char *what) {
    fprintf(stderr, "Vaxla: %s\nThis copy of Vaxla is incomplete or damaged: install it again.\n",
            what);
    return 1;
}

int main(int argc, char **argv) {
    void *python = dlopen(RUNTIME, RTLD_NOW | RTLD_GLOBAL);
    if (python == NULL) {
        return fail(dlerror());
    }
    py_main_t py_main = (py_main_t)dlsym(python, "Py_Main");
    set_home_t set_home = (set_home_t)dlsym(python, "Py_SetPythonHome");
    decode_t decode = (decode_t)dlsym(python, "Py_DecodeLocale");
    Dl_info where;
    if (py_main == NULL || set_home == NULL || decode == NULL ||
        dladdr((void *)py_main, &where) == 0 || where.dli_fname == NULL) {
        return fail("libpython3.11.dylib lacks Py_Main, Py_SetPythonHome or Py_DecodeLocale");
    }
    /* The runtime's home: two folders above its lib/libpython3.11.dylib. */
    char *home = strdup(where.dli_fname);
    for (int up = 0; up < 2 && home != NULL; up++) {
        char *slash = strrchr(home, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
    }
    wchar_t **args = calloc((size_t)argc + FIXED_ARGS + 1, sizeof *args);
    wchar_t *wide_home = home != NULL ? decode(home, NULL) : NULL;
    if (args == NULL || wide_home == NULL) {
        return fail("out of memory");
    }
    set_home(wide_home);
    args[0] = decode(argv[0], NULL);
    args[1] = L"-I"; /* isolated: no PYTHON* variables, no user site-packages */
    args[2] = L"-B";
    args[3] = L"-m";
    args[4] = L"vaxla_desktop";
    for (int i = 1; i < argc; i++) {
        args[i + FIXED_ARGS] = decode(argv[i], NULL);
        if (args[i + FIXED_ARGS] == NULL) {
            return fail("an argument is not in the locale's encoding");
        }
    }
    if (args[0] == NULL) {
        return fail("out of memory");
    }
    return py_main(argc + FIXED_ARGS, args);
}
