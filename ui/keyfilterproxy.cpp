// SPDX-License-Identifier: MIT
#include "keyfilterproxy.h"

#include "keylistmodel.h"

namespace Kodemon {

KeyFilterProxy::KeyFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(KeyListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

KeyFilterProxy::~KeyFilterProxy() = default;

void KeyFilterProxy::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

void KeyFilterProxy::setToken(const std::optional<QString>& token)
{
    if (token == m_token)
        return;
    m_token = token;
    invalidateRowsFilter();
}

bool KeyFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, KeyListModel::KeyColumn, sourceParent);
    const auto id = index.data(KeyListModel::KeyIdRole).value<KeyId>();
    if (m_token && id.token != *m_token)
        return false;
    return m_text.isEmpty() || id.key.contains(m_text, Qt::CaseInsensitive);
}

} // namespace Kodemon
