// SPDX-License-Identifier: MIT
#include "tokenscope.h"

#include <algorithm>

namespace Kodemon {

TokenScope TokenScope::only(const QStringList& tokens)
{
    TokenScope scope;
    scope.m_restricted = true;
    scope.m_tokens = tokens;
    scope.m_tokens.sort();
    scope.m_tokens.removeDuplicates();
    return scope;
}

bool TokenScope::allows(const QString& token) const
{
    // Sorted, so a binary search: a key list checks every series against the scope.
    return !m_restricted || std::binary_search(m_tokens.cbegin(), m_tokens.cend(), token);
}

} // namespace Kodemon
