#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Works out the client's IP address, trusting `X-Forwarded-For` and `Forwarded` only when the
/// connection comes from a configured trusted proxy.
///
/// Invariants: with no trusted proxies the socket's peer address is the answer, whatever the
/// headers say (they are set by the client and can be forged). With trusted proxies, the answer
/// is the right-most address in the forwarding chain that is not itself a trusted proxy.
public struct ClientAddressResolver: Sendable {
    let trusted: [IPNetwork]

    /// - Parameter trustedProxies: addresses or CIDR ranges (`10.0.0.0/8`, `::1`, `127.0.0.1`).
    /// - Throws: ``SightlineClientError`` (`.invalidConfiguration`) for an entry that is not one.
    public init(trustedProxies: [String]) throws(SightlineClientError) {
        var networks: [IPNetwork] = []
        for entry in trustedProxies {
            guard let network = IPNetwork(entry) else {
                throw .invalidConfiguration("trusted proxy '\(entry)' is not an IP address or CIDR range such as 10.0.0.0/8")
            }
            networks.append(network)
        }
        self.trusted = networks
    }

    /// True when forwarding headers may be honoured at all.
    public var hasTrustedProxies: Bool { !trusted.isEmpty }

    func isTrusted(_ address: String) -> Bool {
        guard let bytes = IPNetwork.parseAddress(address) else { return false }
        return trusted.contains { $0.contains(bytes) }
    }

    /// The client address for a request from `peer` with these header values.
    public func resolve(peer: String?, forwardedFor: [String], forwarded: [String]) -> String? {
        let peerAddress = peer.flatMap(IPNetwork.normalize)
        guard !trusted.isEmpty, let peerAddress, isTrusted(peerAddress) else { return peerAddress }
        var chain: [String] = []
        if !forwarded.isEmpty {
            for header in forwarded {
                for element in header.split(separator: ",") {
                    for pair in element.split(separator: ";") {
                        let kv = pair.split(separator: "=", maxSplits: 1)
                        guard kv.count == 2, kv[0].trimmingCharacters(" ").lowercased() == "for" else { continue }
                        var value = kv[1].trimmingCharacters(" ")
                        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                        chain.append(value)
                    }
                }
            }
        } else {
            for header in forwardedFor {
                for part in header.split(separator: ",") { chain.append(part.trimmingCharacters(" ")) }
            }
        }
        var candidate = peerAddress
        for hop in chain.reversed() {
            guard let address = IPNetwork.normalize(hop) else { break }
            candidate = address
            if !isTrusted(address) { break }
        }
        return candidate
    }
}

extension StringProtocol {
    func trimmingCharacters(_ c: Character) -> String {
        var s = self[...]
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}

/// An IPv4 or IPv6 network (address and prefix length).
struct IPNetwork: Sendable {
    let bytes: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let bytes = IPNetwork.parseAddress(String(first)) else { return nil }
        let maxPrefix = bytes.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...maxPrefix).contains(p) else { return nil }
            self.prefix = p
        } else {
            self.prefix = maxPrefix
        }
        self.bytes = bytes
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == bytes.count else { return false }
        var remaining = prefix
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if address[i] & mask != bytes[i] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// 4 or 16 bytes, or nil.
    static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The address without brackets or port (`[::1]:443` → `::1`, `1.2.3.4:80` → `1.2.3.4`), if valid.
    static func normalize(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(" ")
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = String(text[text.index(after: text.startIndex)..<close])
        } else if text.filter({ $0 == ":" }).count == 1 {
            text = String(text.split(separator: ":")[0])
        }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        return parseAddress(text) != nil ? text : nil
    }
}
