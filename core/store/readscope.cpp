// SPDX-License-Identifier: MIT
#include "store/readscope.h"

#include <algorithm>

namespace Kodemon {

ReadScope ReadScope::only(const QStringList& tokens)
{
    ReadScope scope;
    scope.m_restricted = true;
    scope.m_tokens = tokens;
    scope.m_tokens.sort();
    scope.m_tokens.removeDuplicates();
    return scope;
}

bool ReadScope::allows(const QString& token) const
{
    // Sorted, so a binary search: a key list checks every series against the scope.
    return !m_restricted || std::binary_search(m_tokens.cbegin(), m_tokens.cend(), token);
}

} // namespace Kodemon
