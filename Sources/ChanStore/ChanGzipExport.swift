// The gzip reader lives in its own small target (zlib only), so the fuzz build can take it
// without GRDB; ChanStore's users keep seeing it here.
@_exported import ChanGzip
