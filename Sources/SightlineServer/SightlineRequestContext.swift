import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the client's address
/// (used to rate-limit dashboard logins per client).
public struct SightlineRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection; `nil` in in-process tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
