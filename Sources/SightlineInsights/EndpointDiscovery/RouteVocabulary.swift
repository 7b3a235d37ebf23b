/// Small closed word lists used by endpoint discovery.
///
/// Invariants: all entries are lowercase ASCII; lookups lowercase their input first. The lists
/// are generic web/API vocabulary, not tuned to any one API: they only *lower* the frequency a
/// literal needs to stay fixed (``commonRouteWords``) or pin well-known files as literal.
enum RouteVocabulary {
    /// Words that are usually fixed routes when they appear next to identifiers or names
    /// (`/users/me`, `/orders/export`). A learned high-cardinality position keeps these literal
    /// at a lower share (see ``RouteLearner/Configuration/commonWordShare``).
    static let commonRouteWords: Set<String> = [
        "me", "my", "self", "mine", "current", "whoami", "profile", "account", "settings",
        "preferences", "search", "query", "find", "lookup", "filter", "autocomplete", "suggest",
        "suggestions", "recommendations", "new", "create", "edit", "update", "delete", "remove",
        "count", "stats", "statistics", "summary", "overview", "export", "import", "batch",
        "bulk", "all", "latest", "recent", "popular", "trending", "featured", "top", "random",
        "default", "public", "private", "archive", "archived", "active", "inactive", "upcoming",
        "drafts", "draft", "starred", "following", "followers", "favorites", "favourites",
        "blocked", "available", "history", "activity", "feed", "timeline", "notifications",
        "status", "health", "info", "details", "metadata", "meta", "schema", "config",
        "validate", "verify", "preview", "sync", "upload", "uploads", "download", "login",
        "logout", "register", "signup", "signin", "reset", "confirm", "callback", "token",
        "tokens", "sessions", "keys", "auth", "oauth", "webhooks", "events", "list", "index",
        "home", "dashboard", "admin", "billing", "invoices", "subscriptions", "usage", "limits",
        "permissions", "roles", "members", "teams", "invitations", "pending", "today", "unread",
        "read", "mentions", "tags", "categories", "help", "about", "terms", "privacy",
    ]

    /// Whole file names that are fixed routes wherever they appear.
    static let literalFileNames: Set<String> = [
        "openapi.json", "openapi.yaml", "openapi.yml", "swagger.json", "swagger.yaml",
        "swagger.yml", "favicon.ico", "favicon.png", "favicon.svg", "robots.txt", "humans.txt",
        "security.txt", "ads.txt", "sitemap.xml", "sitemap.txt", "manifest.json",
        "site.webmanifest", "index.html", "index.htm", "index.json", "crossdomain.xml",
        "browserconfig.xml", "service-worker.js", "sw.js", "jwks.json", "version.json",
        "health.json", "status.json", "schema.json", "api.json", "apple-touch-icon.png",
        "feed.xml", "rss.xml", "atom.xml", "config.json", "asset-manifest.json",
    ]

    /// Extensions that make `stem.ext` a file name (or `{id}.ext` when the stem is an id).
    static let fileExtensions: Set<String> = [
        "pdf", "csv", "tsv", "txt", "json", "xml", "yaml", "yml", "html", "htm", "md", "png",
        "jpg", "jpeg", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "heic", "avif", "mp3",
        "mp4", "m4a", "wav", "mov", "avi", "webm", "ogg", "flac", "zip", "gz", "tgz", "tar",
        "bz2", "xz", "7z", "rar", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods",
        "rtf", "js", "mjs", "css", "map", "wasm", "woff", "woff2", "ttf", "otf", "eot", "apk",
        "ipa", "dmg", "exe", "msi", "deb", "rpm", "jar", "bin", "iso", "epub", "ics", "vcf",
        "log", "sql", "parquet", "avro", "ndjson", "jsonl", "pem", "crt", "cer", "atom", "rss",
        "ipynb", "proto", "pb", "dat", "raw", "heif", "key", "pkg", "whl", "gem",
    ]
}
