import ChanCore
/// One of the two parties of a simulated channel. Alice opens the channel and pays its fees,
/// unless the configuration makes bob the opener (`PairConfiguration.opener`).
public enum PairSide: Int, Hashable, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case alice = 0
    case bob = 1

    public var other: PairSide {
        switch self {
        case .alice: .bob
        case .bob: .alice
        }
    }

    public var description: String {
        switch self {
        case .alice: "alice"
        case .bob: "bob"
        }
    }
}
