// SPDX-License-Identifier: MIT
// kodemon-recvceiling: the least any receiver can do (recvmmsg and count), so that every ingest figure can be
// reported as a fraction of what this machine's loopback carries at all. Exits after --idle-ms of silence.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

int main(int argc, char** argv)
{
    int port = 4999;
    int idleMs = 1000;
    int bufferBytes = 64 << 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--port")
            port = std::atoi(argv[i + 1]);
        else if (arg == "--idle-ms")
            idleMs = std::atoi(argv[i + 1]);
        else if (arg == "--buffer-mib")
            bufferBytes = std::atoi(argv[i + 1]) << 20;
    }
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufferBytes, sizeof bufferBytes) != 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::perror("bind");
        return 2;
    }
    std::printf("{\"listening\": %d}\n", port);
    std::fflush(stdout);

    constexpr int Batch = 64;
    constexpr int Slot = 2048;
    std::vector<char> buffers(size_t(Batch) * Slot);
    std::vector<mmsghdr> messages(Batch);
    std::vector<iovec> vectors(Batch);
    for (int i = 0; i < Batch; ++i) {
        vectors[i] = { buffers.data() + size_t(i) * Slot, Slot };
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    long long received = 0;
    std::chrono::steady_clock::time_point first, last;
    pollfd waiting { fd, POLLIN, 0 };
    while (::poll(&waiting, 1, received == 0 ? 60000 : idleMs) > 0) {
        const int n = ::recvmmsg(fd, messages.data(), Batch, MSG_DONTWAIT, nullptr);
        if (n <= 0)
            continue;
        if (received == 0)
            first = std::chrono::steady_clock::now();
        received += n;
        last = std::chrono::steady_clock::now();
    }
    const double seconds = std::chrono::duration<double>(last - first).count();
    std::printf("{\"received\": %lld, \"seconds\": %.3f, \"rate\": %.0f}\n", received, seconds,
        seconds > 0 ? double(received) / seconds : 0.0);
    return 0;
}
