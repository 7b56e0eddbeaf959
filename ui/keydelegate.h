// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

class QFontMetrics;

namespace Kodemon {

// Draws keys (module paths) elided in the middle of the path, keeping the file and function whole where they fit:
// "/srv/…/views.py-fetch_latest" rather than "/srv/app/v…fetch_latest".
class KeyDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit KeyDelegate(QObject* parent = nullptr);
    ~KeyDelegate() override;
    Q_DISABLE_COPY_MOVE(KeyDelegate)

    static QString elide(const QString& key, const QFontMetrics& metrics, int width);

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

} // namespace Kodemon
