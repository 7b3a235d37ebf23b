/// Catalog text that appears in every event, encoded to JSON once so events copy bytes.
final class EncodedFields: Sendable {
    /// Per route and environment (`route * 2 + (staging ? 1 : 0)`):
    /// `,"service":"shop","environment":"production","method":"GET","scheme":"https","host":"…","path":"`.
    let routeHeads: [[UInt8]]
    /// Per route: `","route":"/orders/{id}"` (closes the path string).
    let routeFields: [[UInt8]]
    /// Per agent: `","user_agent":"…"` (closes the client address string).
    let agentFields: [[UInt8]]
    /// Per consumer: `,"consumer":{"id":"…","name":"…","plan":"…"}`.
    let consumerFields: [[UInt8]]
    /// Per region: `,"attributes":{"region":"…","pod":"`.
    let attributeHeads: [[UInt8]]
    /// Per service and pod: the pod name and its closing quote.
    let podFields: [[[UInt8]]]

    init(services: [Service], routes: [Route], population: DemoPopulation) {
        var routeHeads: [[UInt8]] = []
        for route in routes {
            for staging in [false, true] {
                routeHeads.append(Self.head(service: services[route.service], method: route.method, staging: staging))
            }
        }
        self.routeHeads = routeHeads
        routeFields = routes.map { route in
            Self.encode { writer in
                writer.raw("\",\"route\":")
                writer.string(route.template)
            }
        }
        agentFields = population.agents.texts.map { agent in
            Self.encode { writer in
                writer.raw("\",\"user_agent\":")
                writer.string(agent)
            }
        }
        consumerFields = population.consumers.map { consumer in
            Self.encode { writer in
                writer.raw(",\"consumer\":{\"id\":")
                writer.string(consumer.id)
                writer.raw(",\"name\":")
                writer.string(consumer.name)
                writer.raw(",\"plan\":")
                writer.string(consumer.plan.name)
                writer.raw("}")
            }
        }
        attributeHeads = population.regions.map { region in
            Self.encode { writer in
                writer.raw(",\"attributes\":{\"region\":")
                writer.string(region)
                writer.raw(",\"pod\":\"")
            }
        }
        podFields = services.map { service in
            service.pods.map { pod in
                Self.encode { writer in
                    writer.escaped(pod)
                    writer.raw("\"")
                }
            }
        }
    }

    /// The fields from `service` to the opening quote of `path`, for any method.
    static func head(service: Service, method: String, staging: Bool) -> [UInt8] {
        encode { writer in
            writer.raw(",\"service\":")
            writer.string(service.name)
            writer.raw(",\"environment\":")
            writer.string(staging ? "staging" : "production")
            writer.raw(",\"method\":")
            writer.string(method)
            writer.raw(",\"scheme\":")
            writer.string(service.scheme)
            writer.raw(",\"host\":")
            writer.string(staging ? service.stagingHost : service.host)
            writer.raw(",\"path\":\"")
        }
    }

    private static func encode(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 160)
        body(&writer)
        return writer.bytes
    }
}
