# Automatically generated from ui/settings.ui by scripts/build-ui.sh - do not edit.

################################################################################
## Form generated from reading UI file 'settings.ui'
##
##
################################################################################

from cartox_desktop.qt.qt import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from cartox_desktop.qt.qt import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from cartox_desktop.qt.qt import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QSpinBox, QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(720, 520)
        self.mainLayout = QVBoxLayout(SettingsDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.databaseBox = QGroupBox(SettingsDialog)
        self.databaseBox.setObjectName(u"databaseBox")
        self.databaseForm = QFormLayout(self.databaseBox)
        self.databaseForm.setObjectName(u"databaseForm")
        self.dbUrlEditLabel = QLabel(self.databaseBox)
        self.dbUrlEditLabel.setObjectName(u"dbUrlEditLabel")

        self.databaseForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.dbUrlEditLabel)

        self.dbUrlRow = QHBoxLayout()
        self.dbUrlRow.setObjectName(u"dbUrlRow")
        self.dbUrlEdit = QLineEdit(self.databaseBox)
        self.dbUrlEdit.setObjectName(u"dbUrlEdit")

        self.dbUrlRow.addWidget(self.dbUrlEdit)

        self.testButton = QPushButton(self.databaseBox)
        self.testButton.setObjectName(u"testButton")
        self.testButton.setAutoDefault(False)

        self.dbUrlRow.addWidget(self.testButton)

        self.embeddedButton = QPushButton(self.databaseBox)
        self.embeddedButton.setObjectName(u"embeddedButton")
        self.embeddedButton.setAutoDefault(False)

        self.dbUrlRow.addWidget(self.embeddedButton)


        self.databaseForm.setLayout(0, QFormLayout.ItemRole.FieldRole, self.dbUrlRow)

        self.testResultLabel = QLabel(self.databaseBox)
        self.testResultLabel.setObjectName(u"testResultLabel")
        self.testResultLabel.setWordWrap(True)

        self.databaseForm.setWidget(1, QFormLayout.ItemRole.SpanningRole, self.testResultLabel)


        self.mainLayout.addWidget(self.databaseBox)

        self.wardBox = QGroupBox(SettingsDialog)
        self.wardBox.setObjectName(u"wardBox")
        self.wardForm = QFormLayout(self.wardBox)
        self.wardForm.setObjectName(u"wardForm")
        self.wardEditLabel = QLabel(self.wardBox)
        self.wardEditLabel.setObjectName(u"wardEditLabel")

        self.wardForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.wardEditLabel)

        self.wardEdit = QLineEdit(self.wardBox)
        self.wardEdit.setObjectName(u"wardEdit")

        self.wardForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.wardEdit)

        self.protocolEditLabel = QLabel(self.wardBox)
        self.protocolEditLabel.setObjectName(u"protocolEditLabel")

        self.wardForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.protocolEditLabel)

        self.protocolRow = QHBoxLayout()
        self.protocolRow.setObjectName(u"protocolRow")
        self.protocolEdit = QLineEdit(self.wardBox)
        self.protocolEdit.setObjectName(u"protocolEdit")

        self.protocolRow.addWidget(self.protocolEdit)

        self.browseButton = QPushButton(self.wardBox)
        self.browseButton.setObjectName(u"browseButton")
        self.browseButton.setAutoDefault(False)

        self.protocolRow.addWidget(self.browseButton)


        self.wardForm.setLayout(1, QFormLayout.ItemRole.FieldRole, self.protocolRow)

        self.protocolStatusLabelLabel = QLabel(self.wardBox)
        self.protocolStatusLabelLabel.setObjectName(u"protocolStatusLabelLabel")

        self.wardForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.protocolStatusLabelLabel)

        self.protocolStatusLabel = QLabel(self.wardBox)
        self.protocolStatusLabel.setObjectName(u"protocolStatusLabel")
        self.protocolStatusLabel.setWordWrap(True)

        self.wardForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.protocolStatusLabel)

        self.idleSpinLabel = QLabel(self.wardBox)
        self.idleSpinLabel.setObjectName(u"idleSpinLabel")

        self.wardForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.idleSpinLabel)

        self.idleSpin = QSpinBox(self.wardBox)
        self.idleSpin.setObjectName(u"idleSpin")
        self.idleSpin.setMinimum(1)
        self.idleSpin.setMaximum(240)
        self.idleSpin.setValue(10)

        self.wardForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.idleSpin)

        self.unitComboLabel = QLabel(self.wardBox)
        self.unitComboLabel.setObjectName(u"unitComboLabel")

        self.wardForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.unitComboLabel)

        self.unitCombo = QComboBox(self.wardBox)
        self.unitCombo.setObjectName(u"unitCombo")

        self.wardForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.unitCombo)


        self.mainLayout.addWidget(self.wardBox)

        self.iceBox = QGroupBox(SettingsDialog)
        self.iceBox.setObjectName(u"iceBox")
        self.iceForm = QFormLayout(self.iceBox)
        self.iceForm.setObjectName(u"iceForm")
        self.hospitalEditLabel = QLabel(self.iceBox)
        self.hospitalEditLabel.setObjectName(u"hospitalEditLabel")

        self.iceForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.hospitalEditLabel)

        self.hospitalEdit = QLineEdit(self.iceBox)
        self.hospitalEdit.setObjectName(u"hospitalEdit")

        self.iceForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.hospitalEdit)

        self.cityEditLabel = QLabel(self.iceBox)
        self.cityEditLabel.setObjectName(u"cityEditLabel")

        self.iceForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.cityEditLabel)

        self.cityEdit = QLineEdit(self.iceBox)
        self.cityEdit.setObjectName(u"cityEdit")

        self.iceForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.cityEdit)

        self.sentenceEditLabel = QLabel(self.iceBox)
        self.sentenceEditLabel.setObjectName(u"sentenceEditLabel")

        self.iceForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.sentenceEditLabel)

        self.sentenceEdit = QLineEdit(self.iceBox)
        self.sentenceEdit.setObjectName(u"sentenceEdit")

        self.iceForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.sentenceEdit)


        self.mainLayout.addWidget(self.iceBox)

        self.errorLabel = QLabel(SettingsDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setStyleSheet(u"color: #b00020; font-weight: bold;")

        self.mainLayout.addWidget(self.errorLabel)

        self.spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.spacer)

        self.buttonBox = QDialogButtonBox(SettingsDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.dbUrlEditLabel.setBuddy(self.dbUrlEdit)
        self.wardEditLabel.setBuddy(self.wardEdit)
        self.protocolEditLabel.setBuddy(self.protocolEdit)
        self.protocolStatusLabelLabel.setBuddy(self.protocolStatusLabel)
        self.idleSpinLabel.setBuddy(self.idleSpin)
        self.unitComboLabel.setBuddy(self.unitCombo)
        self.hospitalEditLabel.setBuddy(self.hospitalEdit)
        self.cityEditLabel.setBuddy(self.cityEdit)
        self.sentenceEditLabel.setBuddy(self.sentenceEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.dbUrlEdit, self.testButton)
        QWidget.setTabOrder(self.testButton, self.embeddedButton)
        QWidget.setTabOrder(self.embeddedButton, self.wardEdit)
        QWidget.setTabOrder(self.wardEdit, self.protocolEdit)
        QWidget.setTabOrder(self.protocolEdit, self.browseButton)
        QWidget.setTabOrder(self.browseButton, self.idleSpin)
        QWidget.setTabOrder(self.idleSpin, self.unitCombo)
        QWidget.setTabOrder(self.unitCombo, self.hospitalEdit)
        QWidget.setTabOrder(self.hospitalEdit, self.cityEdit)
        QWidget.setTabOrder(self.cityEdit, self.sentenceEdit)
        QWidget.setTabOrder(self.sentenceEdit, self.buttonBox)

        self.retranslateUi(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings \u2014 CARTOX Desktop", None))
        self.databaseBox.setTitle(QCoreApplication.translate("SettingsDialog", u"Database (takes effect at the next sign-in)", None))
        self.dbUrlEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"Database &URL", None))
#if QT_CONFIG(accessibility)
        self.dbUrlEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Database URL", None))
#endif // QT_CONFIG(accessibility)
        self.dbUrlEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"empty = the embedded SQLite file; or postgresql+psycopg://user@host/db", None))
        self.testButton.setText(QCoreApplication.translate("SettingsDialog", u"&Test connection", None))
        self.embeddedButton.setText(QCoreApplication.translate("SettingsDialog", u"Use &embedded file", None))
        self.wardBox.setTitle(QCoreApplication.translate("SettingsDialog", u"Ward", None))
        self.wardEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Ward name", None))
#if QT_CONFIG(accessibility)
        self.wardEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Ward name", None))
#endif // QT_CONFIG(accessibility)
        self.wardEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"empty = every ward", None))
        self.protocolEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Protocol file", None))
#if QT_CONFIG(accessibility)
        self.protocolEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Protocol file", None))
#endif // QT_CONFIG(accessibility)
        self.protocolEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"empty = the bundled resources/protocol.toml", None))
        self.browseButton.setText(QCoreApplication.translate("SettingsDialog", u"&Browse\u2026", None))
        self.protocolStatusLabelLabel.setText("")
        self.idleSpinLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Idle lock after", None))
        self.idleSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u" min", None))
#if QT_CONFIG(accessibility)
        self.idleSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Idle lock minutes", None))
#endif // QT_CONFIG(accessibility)
        self.unitComboLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Temperature entry", None))
#if QT_CONFIG(accessibility)
        self.unitCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Temperature unit for entry", None))
#endif // QT_CONFIG(accessibility)
        self.iceBox.setTitle(QCoreApplication.translate("SettingsDialog", u"ICE expected answers on this ward (shown in the guided ICE)", None))
        self.hospitalEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Hospital", None))
#if QT_CONFIG(accessibility)
        self.hospitalEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Hospital name (ICE answer)", None))
#endif // QT_CONFIG(accessibility)
        self.cityEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&City", None))
#if QT_CONFIG(accessibility)
        self.cityEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"City (ICE answer)", None))
#endif // QT_CONFIG(accessibility)
        self.sentenceEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Sentence", None))
#if QT_CONFIG(accessibility)
        self.sentenceEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Standard sentence for writing", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

