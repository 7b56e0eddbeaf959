// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Kodemon {

// Which Kodemon tokens (the `token` of datagrams: projects, customers) a reader may answer for. An API token
// limited to some tokens reads through a scoped store reader, for which the series of other tokens do not
// exist. Unrestricted by default.
class ReadScope final
{
public:
    ReadScope() = default; // every token
    // Only these tokens (sorted, without duplicates). An empty list allows nothing.
    static ReadScope only(const QStringList& tokens);

    bool isRestricted() const { return m_restricted; }
    bool allows(const QString& token) const;
    const QStringList& tokens() const { return m_tokens; } // empty when unrestricted

    friend bool operator==(const ReadScope& a, const ReadScope& b)
    {
        return a.m_restricted == b.m_restricted && a.m_tokens == b.m_tokens;
    }
    friend bool operator!=(const ReadScope& a, const ReadScope& b) { return !(a == b); }

private:
    bool m_restricted = false;
    QStringList m_tokens;
};

} // namespace Kodemon
