// Links the bundled fastText model into the binary, so `winnow` needs no file beside it wherever it is copied.
// The assembler's .incbin includes the file as it is (938 KB: a Swift array literal of it would take minutes to
// compile); Package.swift passes its absolute path as WINNOW_LID176_PATH.
#include "CEmbeddedModels.h"

__asm__(
    ".section .rodata\n"
    ".balign 16\n"
    "winnow_lid176_start:\n"
    ".incbin \"" WINNOW_LID176_PATH "\"\n"
    "winnow_lid176_end:\n"
    ".previous\n");

extern const unsigned char winnow_lid176_start[] __asm__("winnow_lid176_start");
extern const unsigned char winnow_lid176_end[] __asm__("winnow_lid176_end");

const unsigned char *winnow_lid176_bytes(void) { return winnow_lid176_start; }
size_t winnow_lid176_size(void) { return (size_t)(winnow_lid176_end - winnow_lid176_start); }
