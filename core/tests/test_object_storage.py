"""The S3-compatible bucket (.ci/run starts moto in server mode on loopback and sets S3_*): every stored
file lands in the private bucket through Django's storage API, and comes out only through the views'
access checks. Skipped without S3_BUCKET (the local-disk runs cover the same views on FileSystemStorage)."""

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.services import payment_notice_document
from core.crypto import decrypt_bytes, is_token
from core.samples import tiny_pdf
from review.models import Material

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.S3_BUCKET, reason="needs an S3-compatible server (S3_BUCKET; see .ci/run)"
    ),
]


@pytest.fixture
def bucket():
    options = settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    location = default_storage.location

    class Bucket:
        def key(self, name):
            return f"{location}/{name}" if location else name

        def read(self, name):
            return client.get_object(Bucket=settings.S3_BUCKET, Key=self.key(name))["Body"].read()

        def read_private(self, name):
            """A private file (material, roster) as the bucket holds it: encrypted; decrypted, as uploaded."""
            raw = self.read(name)
            assert is_token(raw), "the bucket holds the plain file"
            return decrypt_bytes(raw)

        def public_grants(self, name):
            grants = client.get_object_acl(Bucket=settings.S3_BUCKET, Key=self.key(name))["Grants"]
            return [
                g for g in grants if g["Grantee"].get("URI", "").endswith(("AllUsers", "AuthenticatedUsers"))
            ]

    return Bucket()


def test_a_material_goes_into_the_private_bucket_and_out_only_through_the_access_check(
    client, factory, bucket
):
    assert default_storage.__class__.__name__ == "S3Storage"
    unit = factory.unit(materials=False)
    client.force_login(unit.agent)
    content = tiny_pdf("批复文件")

    response = client.post(
        f"/review/cases/{unit.registration_case.pk}/materials/",
        {"slot": "approval_doc", "file": SimpleUploadedFile("批复文件.pdf", content)},
    )

    assert response.status_code == 200
    material = Material.objects.get(case=unit.registration_case)
    assert content not in bucket.read(material.file.name)  # encrypted before it leaves the application
    assert bucket.read_private(material.file.name) == content  # in the bucket, under our random name
    assert bucket.public_grants(material.file.name) == []  # private: nobody but the owner account

    preview = client.get(f"/review/materials/{material.pk}/")
    assert preview.status_code == 200 and "批复文件.pdf" in preview.text
    assert settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] not in preview.text  # no bucket URL
    download = client.get(f"/review/materials/{material.pk}/file/?download=1")
    assert download.status_code == 200  # streamed by the application, not a redirect to the bucket
    assert b"".join(download.streaming_content) == content

    client.force_login(factory.agent(name="钱八"))
    assert client.get(f"/review/materials/{material.pk}/file/").status_code == 404  # unauthorised
    assert client.get(f"/review/materials/{material.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/review/materials/{material.pk}/file/").status_code == 302  # to the login


def test_rosters_and_issued_notices_are_kept_in_the_bucket(factory, bucket):
    application = factory.approved_application(rows=factory.people(3))
    job = application.imports.get()

    pdf = payment_notice_document(notice=application.payment_notice)

    assert bucket.read_private(job.file.name).startswith(b"PK")  # the roster xlsx as uploaded, encrypted
    application.payment_notice.refresh_from_db()
    assert bucket.read(application.payment_notice.pdf.name) == pdf
