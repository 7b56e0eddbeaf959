// SPDX-License-Identifier: MIT
// The C++ client's JSON, checked without Qt (the header must not need it): escaping as Python's json.dumps
// escapes, UTF-8 passed through or repaired, numbers as Python writes floats, and one real datagram over
// loopback from a ScopeTimer.
#include "kodemon_client.h"

#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const char* what, int line, const std::string& detail = {})
{
    if (ok) {
        ++passed;
        return;
    }
    ++failed;
    std::printf("FAIL line %d: %s %s\n", line, what, detail.c_str());
}

#define CHECK(condition) check((condition), #condition, __LINE__)
#define CHECK_EQUAL(actual, expected)                                                                                  \
    do {                                                                                                               \
        const std::string a_(actual), e_(expected);                                                                    \
        check(a_ == e_, #actual, __LINE__, "\n  actual:   " + a_ + "\n  expected: " + e_);                             \
    } while (false)

std::string json(std::string_view text)
{
    std::string out;
    Kodemon::Client::appendJsonString(out, text);
    return out;
}

std::string number(double value)
{
    std::string out;
    Kodemon::Client::appendDouble(out, value);
    return out;
}

void escaping()
{
    CHECK_EQUAL(json("plain/path.py-fetch"), R"("plain/path.py-fetch")");
    CHECK_EQUAL(json(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
    CHECK_EQUAL(json("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
    CHECK_EQUAL(json(std::string_view("nul\0x", 5)), R"("nul\u0000x")");
    CHECK_EQUAL(json("\x01\x1f\x7f"), "\"\\u0001\\u001f\x7f\""); // DEL needs no escape in JSON
    CHECK_EQUAL(json("/srv/my app/views.py"), R"("/srv/my app/views.py")"); // '/' is not escaped
    CHECK_EQUAL(json(""), R"("")");
}

void utf8()
{
    CHECK_EQUAL(json("caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80\"");
    const std::string replacement = "\xEF\xBF\xBD";
    CHECK_EQUAL(json("a\xFF"
                     "b"),
        "\"a" + replacement + "b\""); // a byte that is never UTF-8
    CHECK_EQUAL(json("\xC3"), "\"" + replacement + "\""); // truncated
    CHECK_EQUAL(json("\xC0\x80"), "\"" + replacement + replacement + "\""); // overlong NUL
    CHECK_EQUAL(json("\xED\xA0\x80"), "\"" + replacement + replacement + replacement + "\""); // a surrogate
    CHECK_EQUAL(json("\xF4\x90\x80\x80"), "\"" + replacement + replacement + replacement + replacement + "\"");
    CHECK_EQUAL(json("\x80"
                     "x"),
        "\"" + replacement + "x\""); // a lone continuation byte
    CHECK_EQUAL(json("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\""); // U+10FFFF, the last one
}

void numbers()
{
    // What Python's repr() writes for the same doubles.
    CHECK_EQUAL(number(12.5), "12.5");
    CHECK_EQUAL(number(12.0), "12.0");
    CHECK_EQUAL(number(0.0), "0.0");
    CHECK_EQUAL(number(0.1), "0.1");
    CHECK_EQUAL(number(0.0019073486328125), "0.0019073486328125");
    CHECK_EQUAL(number(10.226964950561523), "10.226964950561523");
    CHECK_EQUAL(number(1e-05), "1e-05");
    CHECK_EQUAL(number(1e22), "1e+22");
    CHECK_EQUAL(number(123456789.0), "123456789.0");
    CHECK_EQUAL(number(std::nan("")), "0.0");
}

void messages()
{
    using Kodemon::Client::message;
    // The same bytes as the original decorator under Python 3, for an ASCII key.
    CHECK_EQUAL(message("/srv/app/emit.py-plain", 0.000476837158203125, 1795608111, "test-token"),
        R"({"key": "/srv/app/emit.py-plain", "execution_time": 0.000476837158203125, "timestamp": 1795608111, "token": "test-token"})");
    CHECK_EQUAL(message("k", 1.5, 0, "t", "exception"),
        R"({"key": "k", "execution_time": 1.5, "timestamp": 0, "error": "exception", "token": "t"})");
    CHECK_EQUAL(
        message("a\"b", 2, 3, "x\ny"), R"({"key": "a\"b", "execution_time": 2.0, "timestamp": 3, "token": "x\ny"})");
}

// A loopback socket standing in for Kodemon.
struct Receiver
{
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    int port = 0;

    Receiver()
    {
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
        timeval timeout { 5, 0 };
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~Receiver() { ::close(fd); }

    std::string datagram()
    {
        char buffer[70000];
        const auto size = ::recv(fd, buffer, sizeof buffer, 0);
        return size < 0 ? std::string("<nothing>") : std::string(buffer, static_cast<std::size_t>(size));
    }
};

void scopeTimerSends()
{
    Receiver receiver;
    ::setenv("KODEMON_HOST", "127.0.0.1", 1);
    ::setenv("KODEMON_PORT", std::to_string(receiver.port).c_str(), 1);
    ::unsetenv("KODEMON_TOKEN");
    const auto before = Kodemon::Client::stats();
    {
        KODEMON_SCOPE("cpp \"scope\"");
        KODEMON_SCOPE("second on the same line is fine"); // unique names from __COUNTER__
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto second = receiver.datagram(); // inner scopes end first
    const auto first = receiver.datagram();
    CHECK(second.rfind(R"({"key": "second on the same line is fine", "execution_time": )", 0) == 0);
    const std::string_view prefix = R"({"key": "cpp \"scope\"", "execution_time": )";
    CHECK(first.rfind(prefix, 0) == 0);
    CHECK(first.size() > prefix.size() && std::strtod(first.c_str() + prefix.size(), nullptr) >= 20.0);
    CHECK(first.find(R"(, "token": "test-token"})") != std::string::npos); // the default token
    CHECK(Kodemon::Client::stats().sent == before.sent + 2);

    try {
        KODEMON_SCOPE("throws");
        throw std::runtime_error("x");
    } catch (const std::runtime_error&) { }
    CHECK(receiver.datagram().find(R"("error": "exception", "token": )") != std::string::npos);

    ::setenv("KODEMON_PORT", "not-a-port", 1);
    {
        KODEMON_SCOPE("lost");
    }
    CHECK(Kodemon::Client::stats().errors == before.errors + 1);
}

} // namespace

int main()
{
    escaping();
    utf8();
    numbers();
    messages();
    scopeTimerSends();
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
