# Automatically generated from ui/patient.ui by scripts/build-ui.sh - do not edit.

################################################################################
## Form generated from reading UI file 'patient.ui'
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
from cartox_desktop.qt.qt import (QAbstractButton, QApplication, QComboBox, QDateEdit,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget)

class Ui_PatientDialog(object):
    def setupUi(self, PatientDialog):
        if not PatientDialog.objectName():
            PatientDialog.setObjectName(u"PatientDialog")
        PatientDialog.resize(620, 560)
        self.mainLayout = QVBoxLayout(PatientDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(PatientDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.columns = QHBoxLayout()
        self.columns.setObjectName(u"columns")
        self.identityBox = QGroupBox(PatientDialog)
        self.identityBox.setObjectName(u"identityBox")
        self.identityForm = QFormLayout(self.identityBox)
        self.identityForm.setObjectName(u"identityForm")
        self.mrnEditLabel = QLabel(self.identityBox)
        self.mrnEditLabel.setObjectName(u"mrnEditLabel")

        self.identityForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.mrnEditLabel)

        self.mrnEdit = QLineEdit(self.identityBox)
        self.mrnEdit.setObjectName(u"mrnEdit")

        self.identityForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.mrnEdit)

        self.nameEditLabel = QLabel(self.identityBox)
        self.nameEditLabel.setObjectName(u"nameEditLabel")

        self.identityForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.nameEditLabel)

        self.nameEdit = QLineEdit(self.identityBox)
        self.nameEdit.setObjectName(u"nameEdit")

        self.identityForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.dobEditLabel = QLabel(self.identityBox)
        self.dobEditLabel.setObjectName(u"dobEditLabel")

        self.identityForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.dobEditLabel)

        self.dobEdit = QLineEdit(self.identityBox)
        self.dobEdit.setObjectName(u"dobEdit")

        self.identityForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.dobEdit)

        self.ageEditLabel = QLabel(self.identityBox)
        self.ageEditLabel.setObjectName(u"ageEditLabel")

        self.identityForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.ageEditLabel)

        self.ageEdit = QLineEdit(self.identityBox)
        self.ageEdit.setObjectName(u"ageEdit")

        self.identityForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.ageEdit)

        self.weightEditLabel = QLabel(self.identityBox)
        self.weightEditLabel.setObjectName(u"weightEditLabel")

        self.identityForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.weightEditLabel)

        self.weightEdit = QLineEdit(self.identityBox)
        self.weightEdit.setObjectName(u"weightEdit")

        self.identityForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.weightEdit)

        self.wardEditLabel = QLabel(self.identityBox)
        self.wardEditLabel.setObjectName(u"wardEditLabel")

        self.identityForm.setWidget(5, QFormLayout.ItemRole.LabelRole, self.wardEditLabel)

        self.wardEdit = QLineEdit(self.identityBox)
        self.wardEdit.setObjectName(u"wardEdit")

        self.identityForm.setWidget(5, QFormLayout.ItemRole.FieldRole, self.wardEdit)

        self.bedEditLabel = QLabel(self.identityBox)
        self.bedEditLabel.setObjectName(u"bedEditLabel")

        self.identityForm.setWidget(6, QFormLayout.ItemRole.LabelRole, self.bedEditLabel)

        self.bedEdit = QLineEdit(self.identityBox)
        self.bedEdit.setObjectName(u"bedEdit")

        self.identityForm.setWidget(6, QFormLayout.ItemRole.FieldRole, self.bedEdit)

        self.productComboLabel = QLabel(self.identityBox)
        self.productComboLabel.setObjectName(u"productComboLabel")

        self.identityForm.setWidget(7, QFormLayout.ItemRole.LabelRole, self.productComboLabel)

        self.productCombo = QComboBox(self.identityBox)
        self.productCombo.setObjectName(u"productCombo")

        self.identityForm.setWidget(7, QFormLayout.ItemRole.FieldRole, self.productCombo)

        self.infusionEditLabel = QLabel(self.identityBox)
        self.infusionEditLabel.setObjectName(u"infusionEditLabel")

        self.identityForm.setWidget(8, QFormLayout.ItemRole.LabelRole, self.infusionEditLabel)

        self.infusionEdit = QDateEdit(self.identityBox)
        self.infusionEdit.setObjectName(u"infusionEdit")
        self.infusionEdit.setCalendarPopup(True)

        self.identityForm.setWidget(8, QFormLayout.ItemRole.FieldRole, self.infusionEdit)


        self.columns.addWidget(self.identityBox)

        self.baselineBox = QGroupBox(PatientDialog)
        self.baselineBox.setObjectName(u"baselineBox")
        self.baselineForm = QFormLayout(self.baselineBox)
        self.baselineForm.setObjectName(u"baselineForm")
        self.ancEditLabel = QLabel(self.baselineBox)
        self.ancEditLabel.setObjectName(u"ancEditLabel")

        self.baselineForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.ancEditLabel)

        self.ancEdit = QLineEdit(self.baselineBox)
        self.ancEdit.setObjectName(u"ancEdit")

        self.baselineForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.ancEdit)

        self.hbEditLabel = QLabel(self.baselineBox)
        self.hbEditLabel.setObjectName(u"hbEditLabel")

        self.baselineForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.hbEditLabel)

        self.hbEdit = QLineEdit(self.baselineBox)
        self.hbEdit.setObjectName(u"hbEdit")

        self.baselineForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.hbEdit)

        self.pltEditLabel = QLabel(self.baselineBox)
        self.pltEditLabel.setObjectName(u"pltEditLabel")

        self.baselineForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.pltEditLabel)

        self.pltEdit = QLineEdit(self.baselineBox)
        self.pltEdit.setObjectName(u"pltEdit")

        self.baselineForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.pltEdit)

        self.crpEditLabel = QLabel(self.baselineBox)
        self.crpEditLabel.setObjectName(u"crpEditLabel")

        self.baselineForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.crpEditLabel)

        self.crpEdit = QLineEdit(self.baselineBox)
        self.crpEdit.setObjectName(u"crpEdit")

        self.baselineForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.crpEdit)

        self.ferritinEditLabel = QLabel(self.baselineBox)
        self.ferritinEditLabel.setObjectName(u"ferritinEditLabel")

        self.baselineForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.ferritinEditLabel)

        self.ferritinEdit = QLineEdit(self.baselineBox)
        self.ferritinEdit.setObjectName(u"ferritinEdit")

        self.baselineForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.ferritinEdit)


        self.columns.addWidget(self.baselineBox)


        self.mainLayout.addLayout(self.columns)

        self.iceBox = QGroupBox(PatientDialog)
        self.iceBox.setObjectName(u"iceBox")
        self.iceForm = QFormLayout(self.iceBox)
        self.iceForm.setObjectName(u"iceForm")
        self.iceCityEditLabel = QLabel(self.iceBox)
        self.iceCityEditLabel.setObjectName(u"iceCityEditLabel")

        self.iceForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.iceCityEditLabel)

        self.iceCityEdit = QLineEdit(self.iceBox)
        self.iceCityEdit.setObjectName(u"iceCityEdit")
        self.iceCityEdit.setMaxLength(200)

        self.iceForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.iceCityEdit)

        self.iceHospitalEditLabel = QLabel(self.iceBox)
        self.iceHospitalEditLabel.setObjectName(u"iceHospitalEditLabel")

        self.iceForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.iceHospitalEditLabel)

        self.iceHospitalEdit = QLineEdit(self.iceBox)
        self.iceHospitalEdit.setObjectName(u"iceHospitalEdit")
        self.iceHospitalEdit.setMaxLength(200)

        self.iceForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.iceHospitalEdit)

        self.iceSentenceEditLabel = QLabel(self.iceBox)
        self.iceSentenceEditLabel.setObjectName(u"iceSentenceEditLabel")

        self.iceForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.iceSentenceEditLabel)

        self.iceSentenceEdit = QLineEdit(self.iceBox)
        self.iceSentenceEdit.setObjectName(u"iceSentenceEdit")
        self.iceSentenceEdit.setMaxLength(200)

        self.iceForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.iceSentenceEdit)


        self.mainLayout.addWidget(self.iceBox)

        self.errorLabel = QLabel(PatientDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setStyleSheet(u"color: #b00020; font-weight: bold;")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.spacer)

        self.buttonBox = QDialogButtonBox(PatientDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.mrnEditLabel.setBuddy(self.mrnEdit)
        self.nameEditLabel.setBuddy(self.nameEdit)
        self.dobEditLabel.setBuddy(self.dobEdit)
        self.ageEditLabel.setBuddy(self.ageEdit)
        self.weightEditLabel.setBuddy(self.weightEdit)
        self.wardEditLabel.setBuddy(self.wardEdit)
        self.bedEditLabel.setBuddy(self.bedEdit)
        self.productComboLabel.setBuddy(self.productCombo)
        self.infusionEditLabel.setBuddy(self.infusionEdit)
        self.ancEditLabel.setBuddy(self.ancEdit)
        self.hbEditLabel.setBuddy(self.hbEdit)
        self.pltEditLabel.setBuddy(self.pltEdit)
        self.crpEditLabel.setBuddy(self.crpEdit)
        self.ferritinEditLabel.setBuddy(self.ferritinEdit)
        self.iceCityEditLabel.setBuddy(self.iceCityEdit)
        self.iceHospitalEditLabel.setBuddy(self.iceHospitalEdit)
        self.iceSentenceEditLabel.setBuddy(self.iceSentenceEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.mrnEdit, self.nameEdit)
        QWidget.setTabOrder(self.nameEdit, self.dobEdit)
        QWidget.setTabOrder(self.dobEdit, self.ageEdit)
        QWidget.setTabOrder(self.ageEdit, self.weightEdit)
        QWidget.setTabOrder(self.weightEdit, self.wardEdit)
        QWidget.setTabOrder(self.wardEdit, self.bedEdit)
        QWidget.setTabOrder(self.bedEdit, self.productCombo)
        QWidget.setTabOrder(self.productCombo, self.infusionEdit)
        QWidget.setTabOrder(self.infusionEdit, self.ancEdit)
        QWidget.setTabOrder(self.ancEdit, self.hbEdit)
        QWidget.setTabOrder(self.hbEdit, self.pltEdit)
        QWidget.setTabOrder(self.pltEdit, self.crpEdit)
        QWidget.setTabOrder(self.crpEdit, self.ferritinEdit)
        QWidget.setTabOrder(self.ferritinEdit, self.iceCityEdit)
        QWidget.setTabOrder(self.iceCityEdit, self.iceHospitalEdit)
        QWidget.setTabOrder(self.iceHospitalEdit, self.iceSentenceEdit)
        QWidget.setTabOrder(self.iceSentenceEdit, self.buttonBox)

        self.retranslateUi(PatientDialog)
    # setupUi

    def retranslateUi(self, PatientDialog):
        PatientDialog.setWindowTitle(QCoreApplication.translate("PatientDialog", u"Patient", None))
        self.identityBox.setTitle(QCoreApplication.translate("PatientDialog", u"Patient", None))
        self.mrnEditLabel.setText(QCoreApplication.translate("PatientDialog", u"&MRN", None))
#if QT_CONFIG(accessibility)
        self.mrnEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Medical record number", None))
#endif // QT_CONFIG(accessibility)
        self.nameEditLabel.setText(QCoreApplication.translate("PatientDialog", u"&Name", None))
#if QT_CONFIG(accessibility)
        self.nameEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Patient name", None))
#endif // QT_CONFIG(accessibility)
        self.dobEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Date of &birth", None))
#if QT_CONFIG(accessibility)
        self.dobEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Date of birth", None))
#endif // QT_CONFIG(accessibility)
        self.dobEdit.setPlaceholderText(QCoreApplication.translate("PatientDialog", u"YYYY-MM-DD (optional if age given)", None))
        self.ageEditLabel.setText(QCoreApplication.translate("PatientDialog", u"&Age (years)", None))
#if QT_CONFIG(accessibility)
        self.ageEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Age in years", None))
#endif // QT_CONFIG(accessibility)
        self.ageEdit.setPlaceholderText(QCoreApplication.translate("PatientDialog", u"0\u2013120 (optional if date of birth given)", None))
        self.weightEditLabel.setText(QCoreApplication.translate("PatientDialog", u"&Weight (kg)", None))
#if QT_CONFIG(accessibility)
        self.weightEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Weight in kilograms", None))
#endif // QT_CONFIG(accessibility)
        self.weightEdit.setPlaceholderText(QCoreApplication.translate("PatientDialog", u"0.5\u2013400 (needed for tocilizumab dosing)", None))
        self.wardEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Wa&rd", None))
#if QT_CONFIG(accessibility)
        self.wardEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Ward", None))
#endif // QT_CONFIG(accessibility)
        self.bedEditLabel.setText(QCoreApplication.translate("PatientDialog", u"B&ed", None))
#if QT_CONFIG(accessibility)
        self.bedEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Bed", None))
#endif // QT_CONFIG(accessibility)
        self.productComboLabel.setText(QCoreApplication.translate("PatientDialog", u"&Product", None))
#if QT_CONFIG(accessibility)
        self.productCombo.setAccessibleName(QCoreApplication.translate("PatientDialog", u"CAR-T product", None))
#endif // QT_CONFIG(accessibility)
        self.infusionEditLabel.setText(QCoreApplication.translate("PatientDialog", u"&Infusion date (day 0)", None))
        self.infusionEdit.setDisplayFormat(QCoreApplication.translate("PatientDialog", u"yyyy-MM-dd", None))
#if QT_CONFIG(accessibility)
        self.infusionEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Infusion date", None))
#endif // QT_CONFIG(accessibility)
        self.baselineBox.setTitle(QCoreApplication.translate("PatientDialog", u"Baseline labs (before lymphodepletion; for CAR-HEMATOTOX)", None))
        self.ancEditLabel.setText(QCoreApplication.translate("PatientDialog", u"ANC (/\u00b5L)", None))
#if QT_CONFIG(accessibility)
        self.ancEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"ANC (/\u00b5L)", None))
#endif // QT_CONFIG(accessibility)
        self.hbEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Haemoglobin (g/dL)", None))
#if QT_CONFIG(accessibility)
        self.hbEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Haemoglobin (g/dL)", None))
#endif // QT_CONFIG(accessibility)
        self.pltEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Platelets (/\u00b5L)", None))
#if QT_CONFIG(accessibility)
        self.pltEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Platelets (/\u00b5L)", None))
#endif // QT_CONFIG(accessibility)
        self.crpEditLabel.setText(QCoreApplication.translate("PatientDialog", u"CRP (mg/dL)", None))
#if QT_CONFIG(accessibility)
        self.crpEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"CRP (mg/dL)", None))
#endif // QT_CONFIG(accessibility)
        self.ferritinEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Ferritin (ng/mL)", None))
#if QT_CONFIG(accessibility)
        self.ferritinEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Ferritin (ng/mL)", None))
#endif // QT_CONFIG(accessibility)
        self.iceBox.setTitle(QCoreApplication.translate("PatientDialog", u"ICE answers of this patient (empty = the ward's answers from the settings)", None))
        self.iceCityEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Cit&y", None))
#if QT_CONFIG(accessibility)
        self.iceCityEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"City (this patient's ICE answer)", None))
#endif // QT_CONFIG(accessibility)
        self.iceHospitalEditLabel.setText(QCoreApplication.translate("PatientDialog", u"Hospi&tal", None))
#if QT_CONFIG(accessibility)
        self.iceHospitalEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Hospital (this patient's ICE answer)", None))
#endif // QT_CONFIG(accessibility)
        self.iceSentenceEditLabel.setText(QCoreApplication.translate("PatientDialog", u"&Sentence", None))
#if QT_CONFIG(accessibility)
        self.iceSentenceEdit.setAccessibleName(QCoreApplication.translate("PatientDialog", u"Writing sentence for this patient", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

