import pytest

from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.vendors.models import ImportRejection, PortalAccount
from satupintu.hub.vendors.services import UnknownPortal, import_accounts

HEADER = "portal,user_id,npwp,name,address,province,regency,postal_code,email,phone,packages,registered_at,status,password_hash,extra\r\n"
GOOD = (
    "lkpp,CAHAYA,01.312.166.0-091.000,PT Cahaya,Jl. Sudirman No. 5,DKI Jakarta,Jakarta Selatan,12920,"
    "a@cahaya.id,0812,12,2010-09-20,pusat,5f4dcc3b5aa765d61d8327deb882cf99,x\r\n"
    "lkpp,budi,02.417.654.3-404.000,CV Budi,Jl. Melati 3,Jawa Barat,Kota Bogor,16143,b@budi.id,0813,0,"
    "20/01/2015,cabang,,y\r\n"
)
BAD = (
    "lkpp,,02.417.654.3-404.000,CV Tanpa ID,Jl. A 1,Jawa Barat,Kota Bogor,16143,c@x.id,0,1,2015-01-01,,,z\r\n"
    "lkpp,dua,02.417.654.3-404.000,CV Dua,Jl. A 2,Jawa Barat,Kota Bogor,16143,d@x.id,0,banyak,2015-01-01,,,z\r\n"
    "lkpp,tiga,02.417.654.3-404.000,CV Tiga,Jl. A 3,Jawa Barat,Kota Bogor,16143,e@x.id,0,1,2015-01-01,,sha1$abc,z\r\n"
    "jakarta,empat,02.417.654.3-404.000,CV Empat,Jl. A 4,Jawa Barat,Kota Bogor,16143,f@x.id,0,1,2015-01-01,,,z\r\n"
    "lkpp,Cahaya,01.312.166.0-091.000,PT Cahaya,Jl. Sudirman No. 5,DKI Jakarta,Jakarta Selatan,12920,a@c.id,0,1,2010-09-20,,,x\r\n"
)


@pytest.mark.django_db
def test_import_counts_every_row_and_reimport_changes_nothing(write_csv):
    path = write_csv("\ufeff" + HEADER + GOOD + BAD)
    first = import_accounts("lkpp", path)
    assert (first.rows, first.created, first.updated, first.unchanged, first.rejected) == (7, 2, 0, 0, 5)
    assert first.accounted_for
    assert PortalAccount.objects.filter(portal__code="lkpp").count() == 2
    cahaya = PortalAccount.objects.get(user_id_key="cahaya")
    assert cahaya.npwp_canonical == "0013121660091000"
    assert cahaya.password_hash == "5f4dcc3b5aa765d61d8327deb882cf99"
    assert PortalAccount.objects.get(user_id_key="budi").registered_at == "2015-01-20T00:00:00"
    stamp = cahaya.updated_at

    again = import_accounts("lkpp", path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 5)
    assert PortalAccount.objects.get(user_id_key="cahaya").updated_at == stamp
    assert AuditEvent.objects.filter(action="accounts.imported").count() == 2


@pytest.mark.django_db
def test_rejections_name_line_field_and_reason(write_csv):
    summary = import_accounts("lkpp", write_csv(HEADER + GOOD + BAD))
    by_line = {r.line: r for r in summary.rejections}
    assert sorted(by_line) == [4, 5, 6, 7, 8]
    assert by_line[4].field == "user_id" and "empty" in by_line[4].reason
    assert by_line[5].field == "packages" and "banyak" in by_line[5].reason
    assert by_line[6].field == "password_hash" and "unknown format" in by_line[6].reason
    assert by_line[7].field == "portal" and "jakarta" in by_line[7].reason
    assert by_line[8].field == "user_id" and "line 2" in by_line[8].reason
    stored = ImportRejection.objects.filter(run_id=summary.run_id).order_by("line")
    assert [r.line for r in stored] == [4, 5, 6, 7, 8]


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_only_that_row(write_csv):
    import_accounts("lkpp", write_csv(HEADER + GOOD))
    changed = GOOD.replace("CV Budi", "CV Budi Jaya")
    summary = import_accounts("lkpp", write_csv(HEADER + changed, "second.csv"))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert PortalAccount.objects.get(user_id_key="budi").name == "CV Budi Jaya"


@pytest.mark.django_db
def test_unknown_portal_is_refused(write_csv):
    with pytest.raises(UnknownPortal):
        import_accounts("atlantis", write_csv(HEADER + GOOD))
