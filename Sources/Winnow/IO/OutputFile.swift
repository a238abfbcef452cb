#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where JSONL goes: standard output, or a file written under a temporary name and renamed into place by `commit`,
/// so a run that fails or is interrupted never leaves a file that looks finished. A path that is a device, pipe or
/// socket (`/dev/null`, a named pipe) is written directly: renaming over it would replace it. A name ending in `.gz`
/// means gzip (the runner compresses each batch as a member; see `GzipEncoder`).
public final class OutputFile {
    public let path: String
    public let isGzip: Bool
    private let temporaryPath: String?
    /// The file the temporary file becomes: `path`, or the target of `path` when it is a symbolic link.
    private let renameTarget: String
    private var descriptor: Int32

    /// Opens `path` (`-` for standard output); a file is created as `.NAME.winnow-tmp-PID` beside it.
    public init(path: String) throws(IOFailure) {
        self.path = path
        isGzip = path.hasSuffix(".gz")
        (descriptor, temporaryPath, renameTarget) = try Self.open(path)
    }

    /// The descriptor to write to, the temporary file's name (nil: written directly) and the name it is renamed to.
    private static func open(_ path: String) throws(IOFailure) -> (Int32, String?, String) {
        if path == "-" { return (1, nil, path) }
        var finalPath = path
        var existing = stat()
        if stat(path, &existing) == 0 {
            switch existing.st_mode & S_IFMT {
            case S_IFDIR:
                throw IOFailure(path: path, message: "cannot write the output: it is a directory")
            case S_IFREG:
                // A symbolic link keeps pointing at the finished file: the temporary file goes beside its target.
                // `/dev/stdout` and other `/proc` links name an open file, which is written as it is.
                var link = stat()
                if lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK {
                    guard let resolved = realpath(path, nil) else { throw IOFailure.system(path, "cannot resolve the output's link") }
                    finalPath = String(cString: resolved)
                    free(resolved)
                    if finalPath.hasPrefix("/proc/") || path.hasPrefix("/dev/") {
                        return (try openDirectly(path, flags: O_TRUNC), nil, path)
                    }
                }
            default:
                // A device, pipe or socket: renaming over it would replace it.
                return (try openDirectly(path, flags: 0), nil, path)
            }
        }
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
                    failure = errno == EPIPE ? IOFailure(path: path, message: "the reader of the output went away (broken pipe)")
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
