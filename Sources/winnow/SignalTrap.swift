import Dispatch
import Foundation
import Synchronization
import Winnow

/// Turns SIGINT and SIGTERM into a `CancellationFlag`, so a run stops reading, drains what is in flight, leaves no
/// output that looks finished and exits 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). A second signal
/// exits at once (outputs still carry temporary names). SIGPIPE is ignored, so a closed stdout is an error the runner
/// reports instead of a silent death; so is SIGXFSZ, so a file-size limit (`ulimit -f`) is a write error too.
final class SignalTrap {
    let flag = CancellationFlag()
    private let received = Atomic<Int32>(0)
    private var sources: [DispatchSourceSignal] = []

    init() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if flag.isSet { _exit(128 + number) }
                received.store(number, ordering: .relaxed)
                flag.set()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The exit status for an interrupted run: 128 + the signal that stopped it.
    var interruptedExitCode: Int32 {
        let number = received.load(ordering: .relaxed)
        return 128 + (number == 0 ? SIGINT : number)
    }
}
