// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace Kodemon {

class ChangesModel;

// The "What changed" panel: a line saying what was looked at (or why nothing is listed) over the table of
// changes; activating a row (double-click, Enter) asks to show that change.
class ChangesPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ChangesPanel(ChangesModel* model, QWidget* parent = nullptr);
    ~ChangesPanel() override;
    Q_DISABLE_COPY_MOVE(ChangesPanel)

    void setNote(const QString& text, const QString& toolTip = {});
    QString note() const;
    QTableView* table() const { return m_table; }

Q_SIGNALS:
    void openRequested(int row);

private:
    ChangesModel* m_model;
    QLabel* m_note;
    QTableView* m_table;
};

} // namespace Kodemon
