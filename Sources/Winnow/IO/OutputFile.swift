#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where JSONL goes: standard output, or a file written under a temporary name and renamed into place by `commit`,
/// so a run that fails or is interrupted never leaves a file that looks finished. A name ending in `.gz` means
/// gzip (the runner compresses each batch as a member; see `GzipEncoder`).
public final class OutputFile {
    public let path: String
    public let isGzip: Bool
    private let temporaryPath: String?
    private var descriptor: Int32

    /// Opens `path` (`-` for standard output); a file is created as `.NAME.winnow-tmp-PID` beside it.
    public init(path: String) throws(IOFailure) {
        self.path = path
        isGzip = path.hasSuffix(".gz")
        if path == "-" {
            descriptor = 1
            temporaryPath = nil
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (slash == nil ? "" : directory + "/") + ".\(name).winnow-tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            var info = stat()
            if stat(directory.isEmpty ? "/" : directory, &info) != 0 {
                throw IOFailure(path: path, message: "cannot create the output: directory '\(directory)' does not exist")
            }
            throw IOFailure.system(path, "cannot create the output")
        }
        descriptor = fd
        temporaryPath = temporary
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

    /// Makes the output final: flushes the file to disk and renames it into place.
    public func commit() throws(IOFailure) {
        guard let temporaryPath else { return }
        guard descriptor >= 0 else { return }
        if fsync(descriptor) != 0 && errno != EINVAL { throw IOFailure.system(path, "cannot flush the output to disk") }
        if close(descriptor) != 0 { descriptor = -1; throw IOFailure.system(path, "cannot close the output") }
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else { throw IOFailure.system(path, "cannot rename the finished output into place") }
    }

    /// Drops an unfinished file output (its temporary file is removed); standard output is left as it is.
    public func abandon() {
        guard let temporaryPath, descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }
}
