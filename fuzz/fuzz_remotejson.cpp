// SPDX-License-Identifier: MIT
// libFuzzer target: a remote Kodemon's answers (remote/remotejson.h), which `kodemon --remote` reads from whatever
// answers at the URL it was given. Any body is either refused or read; a report of changes that was read is one the
// server's own writer (http/changesjson.h) can write, and what it writes is read back into as many changes of the
// same functions.
#include "http/changesjson.h"
#include "remote/remotejson.h"

#include <cstdint>
#include <cstdlib>
#include <limits>

using namespace Kodemon;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void checkChanges(const ChangeReport& report)
{
    const QByteArray written = Json::changes(report, std::numeric_limits<int>::max());
    const auto again = RemoteJson::object(written);
    check(again.has_value());
    const auto reread = RemoteJson::changes(*again);
    check(reread && reread->changes.size() == report.changes.size());
    for (qsizetype i = 0; i < report.changes.size(); ++i)
        check(reread->changes[i].id == report.changes[i].id && reread->changes[i].metric == report.changes[i].metric);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 256 * 1024)
        return 0; // QJsonDocument's cost is linear; larger bodies find nothing new
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    (void)RemoteJson::rawMembers(body, "executions", "extra");
    const auto answer = RemoteJson::object(body);
    if (!answer)
        return 0;
    (void)RemoteJson::keys(*answer);
    (void)RemoteJson::executions(*answer, body);
    (void)RemoteJson::stats(*answer);
    (void)RemoteJson::series(*answer);
    (void)RemoteJson::groupedSeries(*answer);
    (void)RemoteJson::tags(*answer);
    (void)RemoteJson::functions(*answer);
    (void)RemoteJson::annotations(*answer);
    if (const auto status = RemoteJson::status(*answer)) {
        for (const auto& listener : status->counters.listeners)
            check(!listener.protocol.isEmpty());
    }
    if (const auto report = RemoteJson::changes(*answer))
        checkChanges(*report);
    return 0;
}
