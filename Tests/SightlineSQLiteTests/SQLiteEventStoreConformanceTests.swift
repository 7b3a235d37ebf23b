import SightlineSQLite
import SightlineStorage
import Testing

@Suite("SQLiteEventStore passes the storage conformance suite")
struct SQLiteEventStoreConformanceTests {
    @Test(arguments: StorageConformance.checks)
    func conformance(_ check: StorageConformance.Check) async throws {
        try await withTemporaryStore { store in
            try await check.run(store)
        }
    }
}
