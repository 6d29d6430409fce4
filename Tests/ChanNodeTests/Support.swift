import ChanCrypto
import ChanStore
import Foundation
// `key(n)` and `concurrently` for every file of the target.
@_exported import ChanTestSupport

typealias TempDirectory = TemporaryDirectory
