import ChanCore
import ChanCrypto

/// Why a simulation could not even start.
public enum SimulationError: CodedError, Equatable {
    /// The channel could not be opened with the configuration (a bug, or impossible parameters).
    case openFailed(String)

    public var code: String {
        switch self {
        case .openFailed: "simulation_open_failed"
        }
    }

    public var message: String {
        switch self {
        case .openFailed(let why): "the simulated channel could not be opened: \(why)"
        }
    }
}
