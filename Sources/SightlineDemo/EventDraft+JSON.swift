extension EventDraft {
    /// Writes the event as one compact JSON object in Sightline's wire format.
    ///
    /// Fields come in the order of the canonical form (docs/specs/events.md); optional fields
    /// (`route`, `query`, `consumer`, `user_id`, `session_id`, `error`) are left out when absent.
    func write(to writer: inout JSONWriter, id: UInt64, timestampMicros: Int64, catalog: DemoCatalog) {
        let encoded = catalog.encoded
        writer.raw("{\"id\":\"demo-")
        writer.hex(id, digits: 16)
        writer.raw("\",\"timestamp\":\"")
        writer.timestamp(micros: timestampMicros)
        writer.raw("\",\"duration_ms\":")
        writer.milliseconds(micros: durationMicros)
        if route >= 0 {
            writer.raw(encoded.routeHeads[route &* 2 &+ (staging ? 1 : 0)])
            writePath(route, to: &writer, catalog: catalog)
            if reportsRoute {
                writer.raw(encoded.routeFields[route])
            } else {
                writer.byte(UInt8(ascii: "\""))
            }
        } else {
            writer.raw(EncodedFields.head(service: catalog.services[service], method: method, staging: staging))
            writer.escaped(strayPath)
            writer.byte(UInt8(ascii: "\""))
        }
        writeQuery(to: &writer, timestampMicros: timestampMicros, catalog: catalog)
        writer.raw(",\"status\":")
        writer.int(status)
        writer.raw(",\"request_size\":")
        writer.int(requestSize)
        writer.raw(",\"response_size\":")
        writer.int(responseSize)
        writer.raw(",\"client_ip\":\"")
        clientIP.write(to: &writer)
        writer.raw(encoded.agentFields[agent])
        if consumer >= 0 {
            writer.raw(encoded.consumerFields[consumer])
        }
        if user >= 0 {
            writer.raw(",\"user_id\":\"u_")
            writer.int(user)
            writer.byte(UInt8(ascii: "\""))
        }
        if session != 0 {
            writer.raw(",\"session_id\":\"s_")
            writer.hex(session, digits: 16)
            writer.byte(UInt8(ascii: "\""))
        }
        writer.raw(",\"trace_id\":\"")
        writer.hex(traceHigh, digits: 16)
        writer.hex(traceLow, digits: 16)
        writer.raw("\",\"span_id\":\"")
        writer.hex(span, digits: 16)
        writer.byte(UInt8(ascii: "\""))
        if let error {
            writer.raw(",\"error\":{\"type\":")
            writer.string(error.type)
            writer.raw(",\"message\":")
            writer.string(error.message)
            if !error.stack.isEmpty {
                writer.raw(",\"stack\":")
                writer.string(error.stack)
            }
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw(status >= 500 ? ",\"level\":\"error\"" : status >= 400 ? ",\"level\":\"warn\"" : ",\"level\":\"info\"")
        writer.raw(encoded.attributeHeads[region])
        writer.raw(encoded.podFields[service][pod])
        if upstream >= 0 {
            writer.raw(",\"upstream_service\":")
            writer.string(catalog.services[upstream].name)
            writer.raw(",\"parent_span_id\":\"")
            writer.hex(parentSpan, digits: 16)
            writer.byte(UInt8(ascii: "\""))
        }
        writer.raw("}}")
    }

    private func writePath(_ route: Int, to writer: inout JSONWriter, catalog: DemoCatalog) {
        let population = catalog.population
        var index = 0
        for part in catalog.routes[route].parts {
            switch part {
            case .literal(let text):
                writer.escaped(text)
            case .parameter(let parameter):
                let value = index == 0 ? parameters.0 : parameters.1
                index += 1
                Self.writeParameter(parameter, value: value, to: &writer, population: population)
            }
        }
    }

    /// Writes a path parameter's text for `value` (escaped for use inside a JSON string).
    static func writeParameter(
        _ parameter: PathParameter, value: UInt64, to writer: inout JSONWriter, population: DemoPopulation
    ) {
        switch parameter {
        case .number:
            writer.unsigned(value)
        case .uuid:
            let high = scramble(value ^ 0x5555_AAAA)
            let low = scramble(value ^ 0x0F0F_F0F0)
            writer.hex(high >> 32, digits: 8)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(high >> 16, digits: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(0x4000 | (high & 0x0FFF), digits: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(0x8000 | (low >> 48 & 0x3FFF), digits: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(low, digits: 12)
        case .productSlug:
            writer.escaped(population.products[Int(value)].slug)
        case .categorySlug:
            writer.escaped(population.categories[Int(value)])
        case .sku:
            writer.raw("SKU-")
            writer.int(population.products[Int(value)].sku)
        case .word(let words):
            writer.escaped(words[Int(value)])
        case .token(let prefix):
            writer.escaped(prefix)
            var bits = scramble(value ^ 0x70CE)
            for _ in 0..<13 {
                let digit = UInt8(truncatingIfNeeded: bits % 36)
                writer.byte(digit < 10 ? digit &+ 48 : digit &+ 87)
                bits /= 36
            }
        case .userReference:
            writer.raw("u_")
            writer.unsigned(value)
        }
    }

    private func writeQuery(to writer: inout JSONWriter, timestampMicros: Int64, catalog: DemoCatalog) {
        let population = catalog.population
        var opened = false
        func key(_ name: StaticString, _ writer: inout JSONWriter) {
            writer.raw(opened ? ",\"" : ",\"query\":{\"")
            opened = true
            writer.raw(name)
            writer.raw("\":")
        }
        switch query {
        case .none:
            break
        case .productList(let category, let page, let sort, let limit):
            if category >= 0 {
                key("category", &writer)
                writer.string(population.categories[category])
            }
            if page > 1 {
                key("page", &writer)
                writer.byte(UInt8(ascii: "\""))
                writer.int(page)
                writer.byte(UInt8(ascii: "\""))
            }
            if sort >= 0 {
                key("sort", &writer)
                writer.string(population.sorts[sort])
            }
            if limit > 0 {
                key("limit", &writer)
                writer.byte(UInt8(ascii: "\""))
                writer.int(limit)
                writer.byte(UInt8(ascii: "\""))
            }
        case .search(let term, let limit):
            key("q", &writer)
            writer.string(population.searchTerms[term])
            key("limit", &writer)
            writer.byte(UInt8(ascii: "\""))
            writer.int(limit)
            writer.byte(UInt8(ascii: "\""))
        case .suggest(let prefix):
            key("q", &writer)
            writer.string(population.suggestPrefixes[prefix])
        case .orderList(let status, let limit):
            if status >= 0 {
                key("status", &writer)
                writer.string(population.orderStatuses[status])
            }
            key("limit", &writer)
            writer.byte(UInt8(ascii: "\""))
            writer.int(limit)
            writer.byte(UInt8(ascii: "\""))
        case .expandItems:
            key("expand", &writer)
            writer.raw("\"items\"")
        case .report(let xlsx):
            let day = floorDivide(timestampMicros, 86_400_000_000)
            key("from", &writer)
            writer.byte(UInt8(ascii: "\""))
            writer.date(days: day - 30)
            writer.byte(UInt8(ascii: "\""))
            key("to", &writer)
            writer.byte(UInt8(ascii: "\""))
            writer.date(days: day - 1)
            writer.byte(UInt8(ascii: "\""))
            key("format", &writer)
            writer.raw(xlsx ? "\"xlsx\"" : "\"csv\"")
        case .cursor(let cursor):
            key("cursor", &writer)
            writer.byte(UInt8(ascii: "\""))
            writer.hex(cursor, digits: 12)
            writer.byte(UInt8(ascii: "\""))
        case .probe(let index):
            if let query = catalog.scanProbes[index].query {
                writer.raw(",\"query\":{")
                opened = true
                writer.string(query.key)
                writer.byte(UInt8(ascii: ":"))
                writer.string(query.value)
            }
        }
        if leakedKey != 0 {
            key("api_key", &writer)
            writer.raw("\"sk_demo_")
            writer.hex(leakedKey, digits: 16)
            writer.byte(UInt8(ascii: "\""))
        }
        if opened {
            writer.byte(UInt8(ascii: "}"))
        }
    }
}
