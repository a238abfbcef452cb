#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where JSONL goes: standard output, or a file written under a temporary name and renamed into place by `commit`,
/// so a run that fails or is interrupted never leaves a file that looks finished. A path that is a device, pipe or
/// socket (`/dev/null`, a named pipe) is written directly: renaming over it would replace it. A name ending in `.gz`
/// means gzip, `.zst` or `.zstd` zstd (the runner compresses each batch as a frame; see `OutputCompression`).
public final class OutputFile {
    public let path: String
    public let compression: OutputCompression
    private let temporaryPath: String?
    /// The file the temporary file becomes: `path`, or the target of `path` when it is a symbolic link.
    private let renameTarget: String
    private var descriptor: Int32

    /// Opens `path` (`-` for standard output); a file is created as `.NAME.winnow-tmp-PID` beside it.
    public init(path: String) throws(IOFailure) {
        self.path = path
        compression = OutputCompression(path: path)
        if let format = Self.unwritableFormat(path) {
            throw IOFailure(path: path, message: "cannot write \(format): Winnow writes JSONL, plain, gzip (.gz) or zstd (.zst); the name says otherwise")
        }
        (descriptor, temporaryPath, renameTarget) = try Self.open(path)
    }

    /// The format a file name asks for that Winnow cannot write (`.parquet`, `.xz`, `.bz2` …), or nil: under
    /// such a name plain JSONL would be a file that every reader of the name refuses.
    static func unwritableFormat(_ path: String) -> String? {
        guard path != "-", let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let formats = [".xz": "xz", ".lzma": "lzma", ".bz2": "bzip2", ".lz4": "lz4", ".br": "brotli",
                       ".zip": "zip", ".7z": "7z", ".parquet": "Parquet", ".arrow": "Arrow", ".feather": "Feather", ".avro": "Avro",
                       ".orc": "ORC"]
        return formats[path[dot...].lowercased()]
    }

    /// The descriptor to write to, the temporary file's name (nil: written directly) and the name it is renamed to.
    private static func open(_ path: String) throws(IOFailure) -> (Int32, String?, String) {
        if path == "-" { return (1, nil, path) }
        if let inherited = inheritedDescriptor(path) {
            // `/dev/stdout` while stdout is redirected to a file: opening the path again would make a second file
            // description at offset 0 (with O_TRUNC, wiping what the first one wrote); the open one is shared instead.
            let fd = fcntl(inherited, F_DUPFD_CLOEXEC, 3)
            guard fd >= 0 else { throw IOFailure.system(path, "cannot write the output: descriptor \(inherited) is not open") }
            return (fd, nil, path)
        }
        var existing = stat()
        if stat(path, &existing) == 0 {
            switch existing.st_mode & S_IFMT {
            case S_IFDIR:
                throw IOFailure(path: path, message: "cannot write the output: it is a directory")
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
                throw IOFailure(path: path, message: "cannot create the output: directory '\(directory)' does not exist")
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
        guard let resolved = realpath(path, nil) else { throw IOFailure.system(path, "cannot resolve the output's link") }
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
                return "\(earlier.option) and \(output.option) name the same file (\(shared)); give each output its own file"
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

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(IOFailure) {
        guard descriptor >= 0 else { throw IOFailure(path: path, message: "write after the output was closed") }
        var failure: IOFailure?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno == EPIPE ? IOFailure(path: path, message: IOFailure.brokenPipe)
                                             : IOFailure.system(path, "write failed")
                    return
                }
                offset += count
            }
        }
        if let failure { throw failure }
    }

    /// Makes the output final: flushes the file to disk and renames it into place (a device or pipe is closed).
    public func commit() throws(IOFailure) {
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
