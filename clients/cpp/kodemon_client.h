// SPDX-License-Identifier: MIT
#pragma once

// Kodemon's C++ client: time a scope and send its execution time to Kodemon over UDP.
//
//     #include "kodemon_client.h"
//     void checkout() {
//         KODEMON_SCOPE("shop/checkout");
//         ...
//     }
//
// Header-only, C++17, POSIX sockets, no other dependency. Each scope sends one datagram in Kodemon's wire
// format, {"key": ..., "execution_time": <ms>, "timestamp": <epoch s>, "token": ...}, to KODEMON_HOST
// (default localhost) port KODEMON_PORT (default 4000) with KODEMON_TOKEN (default "test-token"), the same
// variables and defaults as the Python decorator. Nothing here throws or blocks: a full socket buffer or any
// error drops the sample and counts it (Kodemon::Client::stats()).

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <pthread.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#include <utility>

namespace Kodemon {

namespace Client {

inline constexpr std::string_view DefaultHost = "localhost";
inline constexpr std::string_view DefaultPort = "4000";
inline constexpr std::string_view DefaultToken = "test-token"; // the original decorator's default
// A failed name lookup is remembered this long, so a bad KODEMON_HOST does not cost a lookup per scope.
inline constexpr std::chrono::seconds ResolveRetry { 5 };

struct Stats
{
    std::uint64_t sent = 0; // samples handed to the kernel
    std::uint64_t dropped = 0; // the socket buffer was full: dropped instead of waiting
    std::uint64_t errors = 0; // no address, no socket, or the send failed
};

namespace Detail {

// The length of the valid UTF-8 sequence at text[i], or 0 when it is not one (stray continuation
// bytes, overlong forms, surrogates, beyond U+10FFFF, truncated). Kodemon rejects invalid UTF-8 as
// not JSON, so such bytes become U+FFFD instead of costing the whole sample.
inline std::size_t utf8SequenceLength(std::string_view text, std::size_t i) noexcept
{
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0; // no overlong forms
        if (lead == 0xED)
            high = 0x9F; // no UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        if (lead == 0xF4)
            high = 0x8F; // nothing beyond U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
            return 0;
    }
    return length;
}

inline void appendEscapedControl(std::string& out, unsigned char c)
{
    static constexpr char Hex[] = "0123456789abcdef";
    switch (c) {
    case '\b':
        out += "\\b";
        return;
    case '\f':
        out += "\\f";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    default:
        out += "\\u00";
        out += Hex[c >> 4];
        out += Hex[c & 0xF];
    }
}

} // namespace Detail

// `text` as a JSON string: quotes, backslashes and control characters escaped as Python's json.dumps
// escapes them; other characters pass through as UTF-8, invalid UTF-8 becomes U+FFFD.
inline void appendJsonString(std::string& out, std::string_view text)
{
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            Detail::appendEscapedControl(out, c);
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const auto length = Detail::utf8SequenceLength(text, i)) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    out += '"';
}

// The shortest text that reads back as `value` (as Python's repr), always with a '.' or an exponent so
// that it reads as the float it is. Non-finite values cannot be JSON and become 0.0.
inline void appendDouble(std::string& out, double value)
{
    if (!std::isfinite(value))
        value = 0.0;
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos)
        out += ".0";
}

// One sample in the decorator's field order and separators:
// {"key": K, "execution_time": MS, "timestamp": S[, "error": E], "token": T}
inline std::string message(std::string_view key, double executionTimeMs, long long timestamp, std::string_view token,
    std::string_view error = {})
{
    std::string out;
    out.reserve(80 + key.size() + token.size() + error.size());
    out += "{\"key\": ";
    appendJsonString(out, key);
    out += ", \"execution_time\": ";
    appendDouble(out, executionTimeMs);
    out += ", \"timestamp\": ";
    out += std::to_string(timestamp);
    if (!error.empty()) {
        out += ", \"error\": ";
        appendJsonString(out, error);
    }
    out += ", \"token\": ";
    appendJsonString(out, token);
    out += '}';
    return out;
}

inline std::string_view environment(const char* name, std::string_view fallback) noexcept
{
    const char* value = std::getenv(name);
    return value ? std::string_view(value) : fallback;
}

// The process-wide socket: non-blocking, opened on first use, opened again in a forked child.
class Sender final
{
public:
    static Sender& instance() noexcept
    {
        // Constructed once (thread-safe), shared by every translation unit, and never destroyed: a scope
        // that ends in another static object's destructor at exit must still find it. The kernel closes
        // the socket when the process ends.
        static Sender* const sender = new Sender;
        return *sender;
    }

    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;

    // Sends one datagram to the address the environment names now. Never blocks, never throws.
    void send(std::string_view datagram) noexcept
    {
        try {
            const std::lock_guard<std::mutex> lock(m_mutex);
            sendLocked(datagram);
        } catch (...) { // std::string allocation, or a mutex error: the sample is lost, counted
            m_errors.fetch_add(1, std::memory_order_relaxed);
        }
    }

    Stats stats() const noexcept
    {
        return { m_sent.load(std::memory_order_relaxed), m_dropped.load(std::memory_order_relaxed),
            m_errors.load(std::memory_order_relaxed) };
    }

private:
    Sender() noexcept
    {
        // A fork while another thread sends must not leave the child's mutex locked forever.
        pthread_atfork([] { instance().m_mutex.lock(); }, [] { instance().m_mutex.unlock(); },
            [] { instance().m_mutex.unlock(); });
    }

    ~Sender() = default;

    void sendLocked(std::string_view datagram)
    {
        if (m_pid != ::getpid())
            startProcess();
        if (!resolveLocked() || !openLocked()) {
            m_errors.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const auto* address = reinterpret_cast<const sockaddr*>(&m_address);
        ssize_t result = -1;
        do {
            result = ::sendto(m_socket, datagram.data(), datagram.size(), 0, address, m_addressLength);
        } while (result < 0 && errno == EINTR);
        if (result >= 0) {
            m_sent.fetch_add(1, std::memory_order_relaxed);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
        } else {
            m_errors.fetch_add(1, std::memory_order_relaxed);
            if (errno == EBADF || errno == ENOTSOCK)
                m_socket = -1; // closed under us: the next sample opens a new one
        }
    }

    // In a forked child, the parent's socket is the parent's; counters start again.
    void startProcess()
    {
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = -1;
        m_pid = ::getpid();
        m_sent = 0;
        m_dropped = 0;
        m_errors = 0;
    }

    bool resolveLocked()
    {
        const auto host = environment("KODEMON_HOST", DefaultHost);
        const auto port = environment("KODEMON_PORT", DefaultPort);
        const auto now = std::chrono::steady_clock::now();
        if (host == m_host && port == m_port && (m_resolved || now < m_retryAt))
            return m_resolved;
        m_host = host;
        m_port = port;
        m_resolved = lookup();
        if (!m_resolved)
            m_retryAt = now + ResolveRetry;
        return m_resolved;
    }

    // The first IPv4 address, as the original decorator's AF_INET socket used, else the first IPv6 one.
    bool lookup()
    {
        char* end = nullptr;
        const long port = std::strtol(m_port.c_str(), &end, 10);
        if (m_port.empty() || *end != '\0' || port <= 0 || port > 65535)
            return false;
        addrinfo hints {};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_DGRAM;
        addrinfo* found = nullptr;
        if (::getaddrinfo(m_host.c_str(), m_port.c_str(), &hints, &found) != 0 || !found)
            return false;
        const addrinfo* chosen = nullptr;
        for (const auto family : { AF_INET, AF_INET6 }) {
            for (auto* info = found; info && !chosen; info = info->ai_next) {
                if (info->ai_family == family && info->ai_addrlen <= sizeof m_address)
                    chosen = info;
            }
        }
        if (chosen) {
            std::memcpy(&m_address, chosen->ai_addr, chosen->ai_addrlen);
            m_addressLength = static_cast<socklen_t>(chosen->ai_addrlen);
        }
        ::freeaddrinfo(found);
        return chosen != nullptr;
    }

    bool openLocked()
    {
        if (m_socket >= 0 && m_socketFamily == m_address.ss_family)
            return true;
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = ::socket(m_address.ss_family, SOCK_DGRAM, 0);
        if (m_socket < 0)
            return false;
        m_socketFamily = m_address.ss_family;
        // Non-blocking: a full buffer drops the sample instead of stalling the measured code.
        // Close-on-exec: a program this process starts does not inherit it.
        const int flags = ::fcntl(m_socket, F_GETFL, 0);
        if (flags < 0 || ::fcntl(m_socket, F_SETFL, flags | O_NONBLOCK) < 0
            || ::fcntl(m_socket, F_SETFD, FD_CLOEXEC) < 0) {
            ::close(m_socket);
            m_socket = -1;
            return false;
        }
        return true;
    }

    std::mutex m_mutex;
    pid_t m_pid = ::getpid();
    int m_socket = -1;
    sa_family_t m_socketFamily = AF_UNSPEC;
    std::string m_host;
    std::string m_port;
    bool m_resolved = false;
    std::chrono::steady_clock::time_point m_retryAt {};
    sockaddr_storage m_address {};
    socklen_t m_addressLength = 0;
    std::atomic<std::uint64_t> m_sent { 0 };
    std::atomic<std::uint64_t> m_dropped { 0 };
    std::atomic<std::uint64_t> m_errors { 0 };
};

// Sends one sample now, with the token from KODEMON_TOKEN. Never throws.
inline void send(
    std::string_view key, double executionTimeMs, long long timestamp, std::string_view error = {}) noexcept
{
    try {
        const auto token = environment("KODEMON_TOKEN", DefaultToken);
        Sender::instance().send(message(key, executionTimeMs, timestamp, token, error));
    } catch (...) { // only std::bad_alloc can get here
    }
}

inline Stats stats() noexcept
{
    return Sender::instance().stats();
}

} // namespace Client

// Measures from its construction to the end of its scope and then sends one sample: the key, the time in
// milliseconds, the start in whole epoch seconds. When the scope is left by an exception the sample says
// "error": "exception" (C++ cannot name the exception's type here); the exception is not touched.
class ScopeTimer final
{
public:
    explicit ScopeTimer(std::string_view key) noexcept
        : m_timestamp(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count())
        , m_exceptions(std::uncaught_exceptions())
    {
        try {
            m_key = key;
        } catch (...) { // no memory for the key: this scope is not measured
            m_active = false;
        }
        m_start = std::chrono::steady_clock::now(); // last, so that the setup above is not measured
    }

    ~ScopeTimer()
    {
        if (!m_active)
            return;
        const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - m_start;
        const bool unwinding = std::uncaught_exceptions() > m_exceptions;
        Client::send(m_key, elapsed.count(), static_cast<long long>(m_timestamp),
            unwinding ? std::string_view("exception") : std::string_view());
    }

    ScopeTimer(const ScopeTimer&) = delete;
    ScopeTimer& operator=(const ScopeTimer&) = delete;
    ScopeTimer(ScopeTimer&&) = delete;
    ScopeTimer& operator=(ScopeTimer&&) = delete;

private:
    std::string m_key;
    std::chrono::seconds::rep m_timestamp;
    int m_exceptions;
    bool m_active = true;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace Kodemon

#define KODEMON_CLIENT_CONCAT_INNER(a, b) a##b
#define KODEMON_CLIENT_CONCAT(a, b) KODEMON_CLIENT_CONCAT_INNER(a, b)
#ifdef __COUNTER__
#define KODEMON_CLIENT_UNIQUE(name) KODEMON_CLIENT_CONCAT(name, __COUNTER__)
#else
#define KODEMON_CLIENT_UNIQUE(name) KODEMON_CLIENT_CONCAT(name, __LINE__)
#endif

// Times the rest of the enclosing scope under `key` (anything a std::string_view can be made from).
#define KODEMON_SCOPE(key) const ::Kodemon::ScopeTimer KODEMON_CLIENT_UNIQUE(kodemonScopeTimer_)(key)
