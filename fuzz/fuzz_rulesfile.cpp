// SPDX-License-Identifier: MIT
// libFuzzer target: the alert rules file (alerts/rulesfile.h), which people write by hand. Any text is either
// refused with a line that exists, or read into rules that write back to the same rules and a text that reads back
// to itself; editing a rule without changing it leaves the text as it was, and muting and deleting read back.
#include "alerts/rulesfile.h"

#include <cstdint>
#include <cstdlib>
#include <QRegularExpression>
#include <QString>

using namespace Kodemon;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void checkRefusal(const QString& text, const QString& error)
{
    static const QRegularExpression line(QStringLiteral(R"(^line (\d+): .)"));
    const auto match = line.match(error);
    check(match.hasMatch());
    const qsizetype lines = text.count(u'\n') + 1;
    check(match.captured(1).toLongLong() >= 1 && match.captured(1).toLongLong() <= lines);
}

void checkEdits(const RulesDocument& document)
{
    const AlertRule& first = document.rules().rules.constFirst();
    const auto same = document.withRule(first.name, first);
    check(same.ok() && same->text() == document.text());
    const auto muted = document.withMuted(first.name, !first.muted);
    check(muted.ok() && muted->rules().rules.constFirst().muted == !first.muted);
    const auto removed = document.withoutRule(first.name);
    check(removed.ok() && removed->rules().rules.size() == document.rules().rules.size() - 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 64 * 1024)
        return 0; // hand-written files; the parser's cost is linear anyway
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto document = RulesDocument::parse(text);
    if (!document) {
        checkRefusal(text, document.error());
        return 0;
    }
    for (const auto& rule : document->rules().rules) {
        const auto again = ruleFromFields(rule.name, ruleFields(rule));
        check(again.ok() && ruleFields(*again) == ruleFields(rule));
    }
    const auto reread = RulesDocument::parse(document->text());
    check(reread.ok() && reread->rules().rules.size() == document->rules().rules.size());
    check(reread->text() == document->text()); // what Kodemon writes reads back to itself
    if (!document->rules().rules.isEmpty())
        checkEdits(*document);
    return 0;
}
