"""The servers found on the network, as a Qt list model for the login window."""

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from vaxla_desktop.discovery import DiscoveredServer

INCOMPATIBLE_COLOUR = "#8a8a8a"

Index = QModelIndex | QPersistentModelIndex


class ServerListModel(QAbstractListModel):
    """One row per advertised server, sorted by name; a discovery listener.

    ``Qt.DisplayRole`` is the name and address; :data:`SERVER_ROLE` the
    :class:`DiscoveredServer` itself.
    """

    SERVER_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._servers: list[DiscoveredServer] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._servers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._servers):
            return None
        server = self._servers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = f"{server.name} — {server.url}"
            if not server.compatible:
                text += self.tr(" (protocol {0}: another app version is needed)").format(
                    server.protocol_version if server.protocol_version is not None else "?"
                )
            return text
        if role == Qt.ItemDataRole.ForegroundRole and not server.compatible:
            return QBrush(QColor(INCOMPATIBLE_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("server {version}, protocol {protocol}").format(
                version=server.server_version or "?", protocol=server.protocol_version or "?"
            )
        if role == self.SERVER_ROLE:
            return server
        return None

    def server_at(self, row: int) -> DiscoveredServer | None:
        return self._servers[row] if 0 <= row < len(self._servers) else None

    def server_found(self, server: DiscoveredServer) -> None:
        for row, known in enumerate(self._servers):
            if known.service_name == server.service_name:
                self._servers[row] = server
                self.dataChanged.emit(self.index(row), self.index(row))
                return
        row = sum(1 for known in self._servers if known.name.casefold() < server.name.casefold())
        self.beginInsertRows(QModelIndex(), row, row)
        self._servers.insert(row, server)
        self.endInsertRows()

    def server_gone(self, service_name: str) -> None:
        for row, known in enumerate(self._servers):
            if known.service_name == service_name:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._servers[row]
                self.endRemoveRows()
                return
