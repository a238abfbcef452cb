import Dispatch
import Foundation
import Winnow

/// Turns SIGINT and SIGTERM into a `CancellationFlag`, so a run stops reading, drains what is in flight, leaves no
/// output that looks finished and exits 130. A second signal exits at once (outputs still carry temporary names).
/// SIGPIPE is ignored, so a closed stdout is an error the runner reports instead of a silent death.
final class SignalTrap {
    let flag = CancellationFlag()
    private var sources: [DispatchSourceSignal] = []

    init() {
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [flag] in
                if flag.isSet { _exit(130) }
                flag.set()
            }
            source.resume()
            sources.append(source)
        }
    }
}
