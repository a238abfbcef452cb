#ifndef WINNOW_EMBEDDED_MODELS_H
#define WINNOW_EMBEDDED_MODELS_H
#include <stddef.h>

/// The bytes of Sources/Winnow/Resources/lid.176.ftz, linked into the binary (see EmbeddedModels.c).
const unsigned char *winnow_lid176_bytes(void);
size_t winnow_lid176_size(void);

#endif
