// SPDX-License-Identifier: MIT
// kodemon-loadgen: sends decorator-format datagrams at a set rate with sendmmsg, and prints what it sent.
// Plain C++ and POSIX so that it costs as little CPU as possible per datagram.
#include <arpa/inet.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <random>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct Options
{
    std::string host = "127.0.0.1";
    int port = 4000;
    double rate = 10000; // datagrams per second; 0 = as fast as possible
    long long count = 0; // stop after this many (0 = use duration)
    double duration = 10; // seconds
    int series = 1000;
    double extraFraction = 0.1; // share of datagrams with extra kwargs fields
    std::string token = "bench";
    std::string format = "kodemon"; // or "influx" (line protocol, for the InfluxDB peer), or "statsd" (one timer)
    unsigned seed = 1;
    long long spread = 0; // timestamps up to this many seconds before now (0: now)
};

void usage()
{
    std::fputs("usage: kodemon-loadgen [--host H] [--port P] [--rate N|0] [--count N | --duration S] [--series N]\n"
               "                       [--extra F] [--token T] [--format kodemon|influx|statsd] [--seed S]\n"
               "                       [--spread SECONDS]\n"
               "Sends decorator datagrams (keys with '/', lognormal ms, integer timestamps) and prints a summary.\n"
               "--spread: each call's timestamp is drawn from the SECONDS before now (calls that fill every minute\n"
               "of a day, as a collector running since midnight has seen).\n",
        stderr);
}

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(64);
            }
            return argv[++i];
        };
        if (arg == "--host")
            o.host = next();
        else if (arg == "--port")
            o.port = std::stoi(next());
        else if (arg == "--rate")
            o.rate = std::stod(next());
        else if (arg == "--count")
            o.count = std::stoll(next());
        else if (arg == "--duration")
            o.duration = std::stod(next());
        else if (arg == "--series")
            o.series = std::stoi(next());
        else if (arg == "--extra")
            o.extraFraction = std::stod(next());
        else if (arg == "--token")
            o.token = next();
        else if (arg == "--format")
            o.format = next();
        else if (arg == "--seed")
            o.seed = unsigned(std::stoul(next()));
        else if (arg == "--spread")
            o.spread = std::stoll(next());
        else {
            usage();
            std::exit(arg == "--help" ? 0 : 64);
        }
    }
    return o;
}

// Realistic module paths: a few packages, nested folders, a function name per series.
std::vector<std::string> makeKeys(int series)
{
    static const char* const packages[] = { "/srv/app/shop", "/srv/app/api/v2", "/opt/services/billing",
        "/home/deploy/my project/worker", "/srv/app/../lib/common" };
    static const char* const modules[] = { "views.py", "models.py", "tasks.py", "handlers/orders.py", "db/queries.py" };
    static const char* const functions[] = { "fetch_latest", "render", "save", "process_payment", "sync", "lookup" };
    std::vector<std::string> keys;
    for (int i = 0; i < series; ++i) {
        keys.push_back(std::string(packages[i % 5]) + "/" + modules[(i / 5) % 5] + "-" + functions[(i / 25) % 6] + "_"
            + std::to_string(i));
    }
    return keys;
}

std::string kodemonDatagram(
    const std::string& key, double ms, long long timestamp, const std::string& token, bool extra)
{
    char number[64];
    std::snprintf(number, sizeof number, "%.17g", ms);
    std::string out = "{\"key\": \"" + key + "\", \"execution_time\": " + number
        + ", \"timestamp\": " + std::to_string(timestamp) + ", \"token\": \"" + token + "\"";
    if (extra)
        out += ", \"component\": \"worker\", \"attempt\": 2, \"tags\": [\"a\", \"b\"]";
    return out + "}";
}

// Nanosecond timestamps made unique by a counter: InfluxDB keeps one point per series and timestamp, so
// whole seconds would silently overwrite the calls of one second and look like loss.
std::string influxLine(
    const std::string& key, double ms, long long timestamp, long long sequence, const std::string& token)
{
    std::string escaped;
    for (char c : key) {
        if (c == ' ' || c == ',' || c == '=')
            escaped += '\\';
        escaped += c;
    }
    char number[64];
    std::snprintf(number, sizeof number, "%.17g", ms);
    return "kodemon,token=" + token + ",key=" + escaped + " execution_time=" + number + " "
        + std::to_string(timestamp * 1000000000LL + sequence % 1000000000LL);
}

// One StatsD timer per datagram, as a StatsD client sends it ("name:12.345|ms"); the token comes from the
// receiver's --statsd-token.
std::string statsdTimer(const std::string& key, double ms)
{
    char number[64];
    std::snprintf(number, sizeof number, "%.6g", ms);
    return key + ":" + number + "|ms";
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    int sendBuffer = 8 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
    sockaddr_in target {};
    target.sin_family = AF_INET;
    target.sin_port = htons(uint16_t(o.port));
    ::inet_pton(AF_INET, o.host.c_str(), &target.sin_addr);

    const auto keys = makeKeys(o.series);
    std::mt19937_64 random(o.seed);
    std::lognormal_distribution<double> milliseconds(2.0, 1.0); // median ~7 ms, long tail
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_int_distribution<long long> before(0, o.spread);
    const long long total = o.count > 0 ? o.count : (o.rate > 0 ? (long long)(o.rate * o.duration) : -1);

    constexpr int Batch = 64;
    std::vector<std::string> payloads(Batch);
    std::vector<mmsghdr> messages(Batch);
    std::vector<iovec> vectors(Batch);
    long long sent = 0;
    long long failed = 0;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration<double>(o.duration);
    while (total < 0 ? std::chrono::steady_clock::now() < deadline : sent < total) {
        const int n = int(total < 0 ? Batch : std::min<long long>(Batch, total - sent));
        const long long now
            = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
        for (int i = 0; i < n; ++i) {
            const auto& key = keys[size_t((sent + i) % keys.size())];
            const double ms = milliseconds(random);
            const long long timestamp = o.spread > 0 ? now - before(random) : now;
            payloads[i] = o.format == "influx" ? influxLine(key, ms, timestamp, sent + i, o.token)
                : o.format == "statsd"         ? statsdTimer(key, ms)
                                       : kodemonDatagram(key, ms, timestamp, o.token, unit(random) < o.extraFraction);
            vectors[i] = { payloads[i].data(), payloads[i].size() };
            messages[i] = {};
            messages[i].msg_hdr.msg_name = &target;
            messages[i].msg_hdr.msg_namelen = sizeof target;
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int done = 0;
        while (done < n) {
            const int r = ::sendmmsg(fd, messages.data() + done, unsigned(n - done), 0);
            if (r < 0) {
                ++failed;
                break;
            }
            done += r;
        }
        sent += done;
        if (o.rate > 0) {
            // Pace against the schedule, not the last batch, so that the average rate is exact.
            const auto due = start + std::chrono::duration<double>(double(sent) / o.rate);
            std::this_thread::sleep_until(due);
        }
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"sent\": %lld, \"seconds\": %.3f, \"rate\": %.0f, \"series\": %d, \"send_errors\": %lld, "
                "\"format\": \"%s\"}\n",
        sent, elapsed, double(sent) / elapsed, o.series, failed, o.format.c_str());
    ::close(fd);
    return 0;
}
