/* vaxla.exe: starts the desktop app inside the embeddable CPython beside it.
 *
 * The embeddable Python has no launcher of its own that runs a module without a
 * console window, and the Start-menu shortcut and the tel:/sip: handler need one
 * program to point at. This one runs `python -I -m vaxla_desktop ARGS...` in
 * python311.dll, which Windows finds in the executable's own folder. */
#include <stdlib.h>
#include <windows.h>
#include <shellapi.h>

typedef int(__cdecl *py_main_t)(int, wchar_t **);

int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR command_line, int show) {
    (void)instance;
    (void)previous;
    (void)command_line;
    (void)show;
    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    HMODULE python = LoadLibraryW(L"python311.dll");
    py_main_t py_main = python ? (py_main_t)(void *)GetProcAddress(python, "Py_Main") : NULL;
    if (argv == NULL || py_main == NULL) {
        MessageBoxW(NULL, L"python311.dll is missing or damaged: reinstall Vaxla.", L"Vaxla",
                    MB_ICONERROR);
        return 1;
    }
    wchar_t **args = calloc((size_t)argc + 4, sizeof *args);
    if (args == NULL) {
        return 1;
    }
    args[0] = argv[0];
    args[1] = L"-I";  /* isolated: no PYTHON* variables, no user site-packages */
    args[2] = L"-m";
    args[3] = L"vaxla_desktop";
    for (int i = 1; i < argc; i++) {
        args[i + 3] = argv[i];
    }
    return py_main(argc + 3, args);
}
