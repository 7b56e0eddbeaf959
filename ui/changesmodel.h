// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/change.h"

#include <QAbstractTableModel>

namespace Kodemon {

// The rows of the "What changed" panel: the step changes of a report, most impact first, each with its size
// (red for a regression, green for an improvement), function, time, both sides' figures, p-value, release and the
// deploy marker before it. Passive: it shows the report it is given.
class ChangesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ChangeColumn,
        FunctionColumn,
        WhenColumn,
        FiguresColumn,
        PValueColumn,
        ReleaseColumn,
        DeployColumn,
        ColumnCount
    };
    explicit ChangesModel(QObject* parent = nullptr);
    ~ChangesModel() override;
    Q_DISABLE_COPY_MOVE(ChangesModel)

    // `now` decides whether times show with their date.
    void setChanges(const QList<Change>& changes, double now);
    const QList<Change>& changes() const { return m_changes; }
    const Change& change(int row) const { return m_changes.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "p95 +38 %", "errors +150 %".
    static QString sizeText(const Change& change);
    // "31.9 ms → 44.0 ms", or error rates "0.5 % → 6.1 %".
    static QString figuresText(const Change& change);
    // "12 min after “deploy 1.4.2”"; empty without a marker.
    static QString deployText(const Change& change);
    // "0.0021", "3.1 × 10⁻⁹", as the web page writes them.
    static QString pValueText(double p);
    static QColor regressionColor();
    static QColor improvementColor();

private:
    QVariant display(const Change& change, int column) const;
    QVariant toolTip(const Change& change, int column) const;

    QList<Change> m_changes;
    double m_now = 0;
};

} // namespace Kodemon
