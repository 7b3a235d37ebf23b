import Hummingbird
import GRDB
import AsyncHTTPClient
import Crypto
import CompressNIO
import Prometheus
import ArgumentParser
print("placeholder")
