// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QDialog>

class QDateTimeEdit;
class QLabel;
class QPushButton;

namespace Kodemon {

// Asks for a custom baseline range: from and to, to the second, proposed as the shown range's length just
// before it.
class BaselineDialog final : public QDialog
{
    Q_OBJECT
public:
    // `proposed` fills the fields (both ends set).
    explicit BaselineDialog(const TimeRange& proposed, QWidget* parent = nullptr);
    ~BaselineDialog() override;
    Q_DISABLE_COPY_MOVE(BaselineDialog)

    TimeRange range() const;
    QDateTimeEdit* fromEdit() const { return m_from; }
    QDateTimeEdit* toEdit() const { return m_to; }

private:
    void check();

    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QLabel* m_problem;
    QPushButton* m_ok = nullptr;
};

} // namespace Kodemon
