#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time in nanoseconds: monotonic wall time for the run, and the calling thread's CPU time for stages.
///
/// A stage runs over a batch without suspending, so on one thread; its CPU time is what "MB/s per core" means.
/// Wall time would also count the moments the thread waited for a core (with the reader thread and two workers on
/// two cores, that inflated stage times by up to half, and made them swing from run to run).
enum Clock {
    static var now: UInt64 { read(CLOCK_MONOTONIC) }
    static var threadCPU: UInt64 { read(CLOCK_THREAD_CPUTIME_ID) }

    static func seconds(since start: UInt64) -> Double { Double(now - start) / 1e9 }
    static func cpuSeconds(since start: UInt64) -> Double { Double(threadCPU - start) / 1e9 }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
