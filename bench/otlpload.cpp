// SPDX-License-Identifier: MIT
// kodemon-otlpload: posts OTLP/HTTP protobuf requests of many spans each to /v1/traces over keep-alive
// connections, as fast as the receiver answers, and prints what was acknowledged. The spans look like an
// instrumented web service's (resource and scope as the OpenTelemetry SDK sets them, four span attributes).
#include <otlptrace.pb.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <random>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct Options
{
    int port = 4318;
    int spansPerRequest = 1000;
    int connections = 2;
    double duration = 10;
    int requests = 100; // distinct request bodies, cycled through
};

void add(otlpwire::Span& span, const char* key, const std::string& value)
{
    auto* kv = span.add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

std::string makeRequest(int spans, std::mt19937_64& random, unsigned long long startNanos)
{
    static const char* const routes[] = { "/cart", "/cart/items/:id", "/checkout", "/products", "/products/:id",
        "/search", "/login", "/orders/:id" };
    std::lognormal_distribution<double> milliseconds(2.0, 1.0);
    otlpwire::ExportTraceServiceRequest request;
    auto* resource = request.add_resource_spans();
    for (const auto& [key, value] : { std::pair<const char*, const char*> { "service.name", "bench-shop" },
             { "telemetry.sdk.language", "nodejs" }, { "telemetry.sdk.name", "opentelemetry" },
             { "telemetry.sdk.version", "2.12.1" }, { "deployment.environment", "bench" } }) {
        auto* kv = resource->mutable_resource()->add_attributes();
        kv->set_key(key);
        kv->mutable_value()->set_string_value(value);
    }
    auto* scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("@opentelemetry/instrumentation-http");
    scope->mutable_scope()->set_version("0.223.1");
    for (int i = 0; i < spans; ++i) {
        auto* span = scope->add_spans();
        const std::string route = routes[random() % 8];
        span->set_name("GET " + route);
        span->set_kind(2);
        const auto start = startNanos + (unsigned long long)(i) * 1000000ull;
        span->set_start_time_unix_nano(start);
        span->set_end_time_unix_nano(start + (unsigned long long)(milliseconds(random) * 1e6));
        add(*span, "http.request.method", "GET");
        add(*span, "http.route", route);
        auto* status = span->add_attributes();
        status->set_key("http.response.status_code");
        status->mutable_value()->set_int_value(random() % 20 == 0 ? 500 : 200);
        add(*span, "server.address", "shop.example");
        if (random() % 20 == 0)
            span->mutable_status()->set_code(2);
    }
    return request.SerializeAsString();
}

struct Counts
{
    std::atomic<long long> spans { 0 };
    std::atomic<long long> requests { 0 };
    std::atomic<long long> busy { 0 }; // 503
    std::atomic<long long> failed { 0 };
};

// Reads one HTTP response; returns its status, or 0 when the connection broke.
int readResponse(int fd, std::string& buffer)
{
    for (;;) {
        const auto end = buffer.find("\r\n\r\n");
        if (end != std::string::npos) {
            const int status = std::atoi(buffer.c_str() + 9);
            long long length = 0;
            const auto header = buffer.find("Content-Length: ");
            if (header != std::string::npos && header < end)
                length = std::atoll(buffer.c_str() + header + 16);
            if (buffer.size() >= end + 4 + size_t(length)) {
                buffer.erase(0, end + 4 + size_t(length));
                return status;
            }
        }
        char chunk[65536];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return 0;
        buffer.append(chunk, size_t(n));
    }
}

void client(const Options& o, const std::vector<std::string>& bodies, Counts& counts,
    std::chrono::steady_clock::time_point deadline, int offset)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in target {};
    target.sin_family = AF_INET;
    target.sin_port = htons(uint16_t(o.port));
    ::inet_pton(AF_INET, "127.0.0.1", &target.sin_addr);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
        ++counts.failed;
        return;
    }
    std::string buffer;
    for (size_t i = size_t(offset); std::chrono::steady_clock::now() < deadline; ++i) {
        const std::string& body = bodies[i % bodies.size()];
        const std::string head = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
                                 "Content-Length: "
            + std::to_string(body.size()) + "\r\n\r\n";
        if (::send(fd, head.data(), head.size(), MSG_MORE) < 0 || ::send(fd, body.data(), body.size(), 0) < 0) {
            ++counts.failed;
            break;
        }
        const int status = readResponse(fd, buffer);
        if (status == 200) {
            counts.spans += o.spansPerRequest;
            ++counts.requests;
        } else if (status == 503) {
            ++counts.busy;
            std::this_thread::sleep_for(std::chrono::milliseconds(50)); // its Retry-After, shortened
        } else {
            ++counts.failed;
            if (status == 0)
                break;
        }
    }
    ::close(fd);
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--port")
            o.port = std::atoi(argv[i + 1]);
        else if (arg == "--spans")
            o.spansPerRequest = std::atoi(argv[i + 1]);
        else if (arg == "--connections")
            o.connections = std::atoi(argv[i + 1]);
        else if (arg == "--duration")
            o.duration = std::atof(argv[i + 1]);
        else {
            std::fputs("usage: kodemon-otlpload [--port P] [--spans N] [--connections C] [--duration S]\n", stderr);
            return 64;
        }
    }
    std::mt19937_64 random(19);
    const auto now = (unsigned long long)std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    std::vector<std::string> bodies;
    size_t bytes = 0;
    for (int i = 0; i < o.requests; ++i) {
        bodies.push_back(makeRequest(o.spansPerRequest, random, now - 3600000000000ull + (unsigned long long)(i) * 1000000000ull));
        bytes += bodies.back().size();
    }
    Counts counts;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline
        = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(o.duration));
    std::vector<std::thread> threads;
    for (int c = 0; c < o.connections; ++c)
        threads.emplace_back(client, std::cref(o), std::cref(bodies), std::ref(counts), deadline, c * 7);
    for (auto& thread : threads)
        thread.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"spans\": %lld, \"requests\": %lld, \"seconds\": %.3f, \"spans_per_second\": %.0f, "
                "\"busy\": %lld, \"failed\": %lld, \"spans_per_request\": %d, \"bytes_per_span\": %.1f, "
                "\"connections\": %d}\n",
        counts.spans.load(), counts.requests.load(), seconds, double(counts.spans.load()) / seconds,
        counts.busy.load(), counts.failed.load(), o.spansPerRequest, double(bytes) / double(o.requests * o.spansPerRequest),
        o.connections);
    return counts.failed.load() > 0 ? 1 : 0;
}
