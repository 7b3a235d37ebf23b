import ArgumentParser

/// `sightline`: a self-hosted API log insights platform.
@main
struct SightlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sightline",
        abstract: "Sightline: API log insights you host yourself.",
        discussion: """
        Start with `sightline demo` to see it with generated traffic, or `sightline serve --data-dir DIR`
        to receive your own events on POST /v1/events; `sightline query '...'` asks them questions.
        """,
        subcommands: [Serve.self, Demo.self, Send.self, Import.self, Tail.self, Query.self, Detect.self, Generate.self]
    )
}
