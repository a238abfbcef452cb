#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where JSONL goes: standard output, or a file written under a temporary name and renamed into place by `commit`,
/// so a run that fails or is interrupted never leaves a file that looks finished. A path that is a device, pipe or
/// socket (`/dev/null`, a named pipe) is written directly: renaming over it would replace it. A name ending in `.gz`
/// means gzip, `.zst` or `.zstd` zstd (the runner compresses each batch as a frame; see `OutputCompression`).
///
/// A path ending in `/` is a directory of rotated files, as datatrove's writers make them: `00000.jsonl.gz`,
/// `00001.jsonl.gz`, … (`PREFIX00000…` with a name prefix, e.g. the shard), each begun when the one before reached
/// `maximumFileBytes` (whole batches: a file never ends inside a gzip member) and renamed into place as soon as it
/// is complete. The directory is made when missing; when the run is committed, files of an earlier run with the
/// same prefix and a higher number are removed, so the directory holds this run's output only.
public final class OutputFile {
    public let path: String
    public let compression: OutputCompression
    private var temporaryPath: String?
    /// The file the temporary file becomes: `path`, or the target of `path` when it is a symbolic link.
    private var renameTarget: String
    private var descriptor: Int32
    private var rotation: Rotation?
    private var wroteAnything = false

    /// Where a directory output stands.
    private struct Rotation {
        let directory: String
        let prefix: String
        let maximumBytes: Int
        /// The number of the file being written (or to be written next when none is open).
        var index = 0
        var bytesInFile = 0
        var fileOpen = false

        func name(_ index: Int) -> String {
            let digits = String(index)
            return directory + prefix + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jsonl.gz"
        }
    }

    /// The size of each file of a directory output when the pipeline names none: 1 GB, as datatrove's default.
    public static let defaultMaximumFileBytes = 1 << 30

    /// Opens `path` (`-` for standard output); a file is created as `.NAME.winnow-tmp-PID` beside it. A path ending
    /// in `/` is a directory of files of at most `maximumFileBytes` each, named `namePrefix` and a number.
    public init(path: String, maximumFileBytes: Int? = nil, namePrefix: String = "") throws(IOFailure) {
        self.path = path
        if let format = Self.unwritableFormat(path) {
            throw IOFailure(
                path: path,
                message:
                    "cannot write \(format): Winnow writes JSONL, plain, gzip (.gz) or zstd (.zst); the name says otherwise"
            )
        }
        guard path.hasSuffix("/") else {
            compression = OutputCompression(path: path)
            (descriptor, temporaryPath, renameTarget) = try Self.open(path)
            return
        }
        compression = .gzip
        var info = stat()
        if stat(path, &info) != 0 {
            guard mkdir(path, 0o755) == 0 else { throw IOFailure.system(path, "cannot create the output directory") }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw IOFailure(
                path: path, message: "cannot write the output: it names a directory (ends in /) but is a file")
        }
        rotation = Rotation(
            directory: path, prefix: namePrefix, maximumBytes: maximumFileBytes ?? Self.defaultMaximumFileBytes)
        (descriptor, temporaryPath, renameTarget) = (-1, nil, path)
    }

    /// The format a file name asks for that Winnow cannot write (`.parquet`, `.xz`, `.bz2` …), or nil: under
    /// such a name plain JSONL would be a file that every reader of the name refuses.
    static func unwritableFormat(_ path: String) -> String? {
        guard path != "-", let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let formats = [
            ".xz": "xz", ".lzma": "lzma", ".bz2": "bzip2", ".lz4": "lz4", ".br": "brotli",
            ".zip": "zip", ".7z": "7z", ".parquet": "Parquet", ".arrow": "Arrow", ".feather": "Feather",
            ".avro": "Avro",
            ".orc": "ORC",
        ]
        return formats[path[dot...].lowercased()]
    }

    /// The descriptor to write to, the temporary file's name (nil: written directly) and the name it is renamed to.
    private static func open(_ path: String) throws(IOFailure) -> (Int32, String?, String) {
        if path == "-" { return (1, nil, path) }
        if let inherited = inheritedDescriptor(path) {
            // `/dev/stdout` while stdout is redirected to a file: opening the path again would make a second file
            // description at offset 0 (with O_TRUNC, wiping what the first one wrote); the open one is shared instead.
            let fd = fcntl(inherited, F_DUPFD_CLOEXEC, 3)
            guard fd >= 0 else {
                throw IOFailure.system(path, "cannot write the output: descriptor \(inherited) is not open")
            }
            return (fd, nil, path)
        }
        var existing = stat()
        if stat(path, &existing) == 0 {
            switch existing.st_mode & S_IFMT {
            case S_IFDIR:
                throw IOFailure(
                    path: path,
                    message:
                        "cannot write the output: it is a directory (end the name with / to write rotated files into it)"
                )
            case S_IFREG:
                break
            default:
                // A device, pipe or socket: renaming over it would replace it.
                return (try openDirectly(path, flags: 0), nil, path)
            }
        }
        let finalPath = try renameTarget(of: path)
        let slash = finalPath.lastIndex(of: "/")
        let directory = slash.map { String(finalPath[..<$0]) } ?? "."
        let name = slash.map { String(finalPath[finalPath.index(after: $0)...]) } ?? finalPath
        let temporary = (slash == nil ? "" : directory + "/") + ".\(name).winnow-tmp-\(getpid())"
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            var info = stat()
            if stat(directory.isEmpty ? "/" : directory, &info) != 0 {
                throw IOFailure(
                    path: path, message: "cannot create the output: directory '\(directory)' does not exist")
            }
            throw IOFailure.system(path, "cannot create the output")
        }
        return (fd, temporary, finalPath)
    }

    /// The descriptor a path names when it is one of this process's open files: `/dev/stdout`, `/dev/stderr`,
    /// `/dev/stdin`, `/dev/fd/N`, `/proc/self/fd/N` (and `/proc/PID/fd/N` with this process's id).
    public static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        case "/dev/stdin": return 0
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/\(getpid())/fd/"] where path.hasPrefix(prefix) {
            return Int32(path.dropFirst(prefix.count))
        }
        return nil
    }

    /// The file a finished output replaces: `path`, or the target of `path` when it is a symbolic link (the link
    /// keeps pointing at the finished file), as an absolute path when it can be resolved.
    private static func renameTarget(of path: String) throws(IOFailure) -> String {
        var link = stat()
        guard lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else {
            throw IOFailure.system(path, "cannot resolve the output's link")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// What an output path writes to, for telling whether two outputs are the same file: the device and inode of an
    /// existing file or of an open descriptor, else the canonical path the file will have.
    enum Identity: Hashable {
        case file(device: UInt64, inode: UInt64)
        case path(String)
    }

    /// The identity of `path` as an output, and whether it is written through a descriptor this process already
    /// has (`-`, `/dev/stdout`, `/dev/fd/N`); nil for devices, pipes and sockets, which may be shared.
    static func identity(of path: String) -> (identity: Identity, inherited: Bool)? {
        var info = stat()
        let inherited = path == "-" ? 1 : inheritedDescriptor(path)
        if let inherited {
            guard fstat(inherited, &info) == 0 else { return nil }
        } else if stat(path, &info) != 0 {
            // Not there yet: the canonical form of its directory and its name.
            let slash = path.lastIndex(of: "/")
            let directory = slash.map { String(path[..<$0]) } ?? "."
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            guard let resolved = realpath(directory.isEmpty ? "/" : directory, nil) else { return (.path(path), false) }
            defer { free(resolved) }
            return (.path(String(cString: resolved) + "/" + name), false)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        return (.file(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), inherited != nil)
    }

    /// A message when two of the named outputs are the same file (symbolic links and `/dev/fd/N` resolved), which
    /// would make them overwrite each other; nil when they are all distinct. Outputs that all write through an
    /// open descriptor (`-o -` and `--rejects /dev/stdout`, stdout redirected to a file) share it and do not clash.
    public static func conflict(among outputs: [(option: String, path: String)]) -> String? {
        var seen: [Identity: (option: String, path: String, inherited: Bool)] = [:]
        for output in outputs {
            guard let (identity, inherited) = identity(of: output.path) else { continue }
            if let earlier = seen[identity], !(inherited && earlier.inherited) {
                let shared = output.path == earlier.path ? "'\(output.path)'" : "'\(earlier.path)' and '\(output.path)'"
                return
                    "\(earlier.option) and \(output.option) name the same file (\(shared)); give each output its own file"
            }
            seen[identity] = (output.option, output.path, inherited)
        }
        return nil
    }

    private static func openDirectly(_ path: String, flags: Int32) throws(IOFailure) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC | flags)
        guard fd >= 0 else { throw IOFailure.system(path, "cannot open the output") }
        return fd
    }

    deinit { abandon() }

    /// Writes all of `bytes`. In a directory output the current file is finished after the write that takes it to
    /// its size, and the next write begins the next file.
    public func write(_ bytes: [UInt8]) throws(IOFailure) {
        if var rotation {
            if !rotation.fileOpen {
                (descriptor, temporaryPath, renameTarget) = try Self.open(rotation.name(rotation.index))
                rotation.fileOpen = true
                rotation.bytesInFile = 0
            }
            try writeAll(bytes)
            rotation.bytesInFile += bytes.count
            if rotation.bytesInFile >= rotation.maximumBytes {
                try finishFile()
                rotation.fileOpen = false
                rotation.index += 1
            }
            self.rotation = rotation
            return
        }
        try writeAll(bytes)
    }

    private func writeAll(_ bytes: [UInt8]) throws(IOFailure) {
        wroteAnything = true
        guard descriptor >= 0 else { throw IOFailure(path: path, message: "write after the output was closed") }
        var failure: IOFailure?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure =
                        errno == EPIPE
                        ? IOFailure(path: path, message: IOFailure.brokenPipe)
                        : IOFailure.system(path, "write failed")
                    return
                }
                offset += count
            }
        }
        if let failure { throw failure }
    }

    /// Makes the output final: flushes the file to disk and renames it into place (a device or pipe is closed). A
    /// directory output finishes its last file and removes later-numbered files an earlier run left.
    public func commit() throws(IOFailure) {
        guard var rotation else {
            // A compressed file with no batch in it is still a valid file of its format (zcat reads it as empty).
            if !wroteAnything && compression != .none && temporaryPath != nil {
                try writeAll(compression.frame([], level: compression.defaultLevel))
            }
            return try finishFile()
        }
        if rotation.fileOpen {
            try finishFile()
            rotation.fileOpen = false
            rotation.index += 1
        }
        while unlink(rotation.name(rotation.index)) == 0 { rotation.index += 1 }
        self.rotation = rotation
    }

    private func finishFile() throws(IOFailure) {
        guard let temporaryPath else {
            if descriptor > 2 { close(descriptor) }
            descriptor = -1
            return
        }
        guard descriptor >= 0 else { return }
        if fsync(descriptor) != 0 && errno != EINVAL { throw IOFailure.system(path, "cannot flush the output to disk") }
        if close(descriptor) != 0 { descriptor = -1; throw IOFailure.system(path, "cannot close the output") }
        descriptor = -1
        guard rename(temporaryPath, renameTarget) == 0 else {
            let failure = IOFailure.system(path, "cannot rename the finished output into place")
            unlink(temporaryPath)
            throw failure
        }
        self.temporaryPath = nil
    }

    /// Drops an unfinished file output (its temporary file is removed); standard output is left as it is.
    public func abandon() {
        guard let temporaryPath else {
            if descriptor > 2 { close(descriptor) }
            descriptor = -1
            return
        }
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }
}
