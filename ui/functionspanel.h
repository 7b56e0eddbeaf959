// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <optional>
#include <QWidget>

class QAction;
class QComboBox;
class QLineEdit;
class QTableView;

namespace Kodemon {

class KeyFilterProxy;
class KeyListModel;

// The left pane: a filter box, a token selector (when there is more than one token) and the functions table.
class FunctionsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit FunctionsPanel(KeyListModel* model, QWidget* parent = nullptr);
    ~FunctionsPanel() override;
    Q_DISABLE_COPY_MOVE(FunctionsPanel)

    QList<KeyId> selectedKeys() const;
    std::optional<KeyId> currentKey() const;
    // Selects `keys` (those that exist), the first becoming current.
    void selectKeys(const QList<KeyId>& keys);
    // Focuses the filter box with its text selected, ready to type.
    void focusFilter();
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QComboBox* tokenBox() const { return m_tokens; }
    // The token chosen in the token box; nothing for "All tokens".
    std::optional<QString> token() const { return m_token; }
    // Adds an entry to the table's context menu (after "Copy Function Name").
    void addTableAction(QAction* action);
    // Puts the selected keys on the clipboard, one a line.
    void copySelection() const;
    QByteArray headerState() const;
    void restoreHeaderState(const QByteArray& state);
    // Shows the Group column while the table is split by a tag, the Δ columns while comparing with a baseline.
    void showColumns(bool split, bool comparing);

Q_SIGNALS:
    void selectionChanged();
    void tokenChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void setUpTable();
    void applyColumnModes();
    void fitKeyColumn();
    void updateTokens();
    void applyToken();

    KeyListModel* m_model;
    KeyFilterProxy* m_proxy;
    QLineEdit* m_filter;
    QComboBox* m_tokens;
    QTableView* m_table;
    std::optional<QString> m_token;
    bool m_split = false;
    bool m_comparing = false;
};

} // namespace Kodemon
