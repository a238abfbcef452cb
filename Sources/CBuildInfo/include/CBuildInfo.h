#ifndef CBUILDINFO_H
#define CBUILDINFO_H

/// The git commit the package was built from (Package.swift reads it from .git when the manifest is evaluated),
/// or "unknown" outside a git checkout.
const char *winnow_build_commit(void);

#endif
