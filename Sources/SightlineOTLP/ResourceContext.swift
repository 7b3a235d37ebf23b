import SightlineCore

/// What one `Resource` gives every span or log record under it: the service, the environment and
/// its other attributes, rendered once.
struct ResourceContext {
    static let unknownService = "unknown_service"

    var service: String
    /// Set when `service.name` cannot be used; every item under the resource is rejected with it.
    var serviceProblem: String?
    var environment: String?
    /// The remaining attributes, each rendered as a `"key":value` member; first of repeated keys only.
    var members: [(key: String, member: [UInt8])] = []

    init(_ resource: PBResource, limits: EventLimits, maxDepth: Int) {
        service = Self.unknownService
        var consumed = Set<String>()
        var seen = Set<String>()
        for pair in resource.attributes where seen.insert(pair.key).inserted {
            if pair.key == ResourceKey.serviceName, case .stringValue(let name) = pair.value.value {
                if name.utf8.count > limits.maxNameBytes {
                    serviceProblem = "resource attribute 'service.name' (service): expected at most \(limits.maxNameBytes) bytes, got \(name.utf8.count) bytes"
                } else if !name.isEmpty {
                    service = name
                    consumed.insert(pair.key)
                }
            }
        }
        for key in ResourceKey.environment {
            guard environment == nil,
                  let pair = resource.attributes.first(where: { $0.key == key }),
                  case .stringValue(let name) = pair.value.value,
                  !name.isEmpty, name.utf8.count <= limits.maxNameBytes
            else { continue }
            environment = name
            consumed.insert(key)
        }
        seen.removeAll(keepingCapacity: true)
        for pair in resource.attributes where !consumed.contains(pair.key) && seen.insert(pair.key).inserted {
            var member: [UInt8] = []
            EventEncoder.appendString(pair.key, to: &member)
            member.append(UInt8(ascii: ":"))
            AnyValueJSON.append(pair.value, to: &member, maxDepth: maxDepth)
            members.append((pair.key, member))
        }
    }

    /// Adds the resource members that the item's own attributes did not already set.
    func addMembers(to builder: inout AttributeObjectBuilder) {
        builder.addFinal(members)
    }
}
