import io, json
from datetime import timedelta
from core.tick import run_daily_tick
from tests.plugins.lks.helpers import T, PDF, today, counts

K = ("status_badan_hukum","rekomendasi_perwakilan","proposal_kerja_sama","sumber_dana_3_tahun","rancangan_perjanjian")
O = ("status_badan_hukum","proposal_kerja_sama","mitra_kerja_lokal","rancangan_perjanjian","izin_kemenlu")

def test_explore(client, kernel, world, backend):
    if backend != "sqlite": return
    b = world["balangan"]
    body = {"nama":"Save the Kids International","berbadan_hukum":True,"alamat":"Jl. A. Yani Km 5, Paringin","kode_wilayah":"63.11","npwp":"01.234.567.8-901.000",
      "pengurus":[{"nama":"John Doe","jabatan":"Country Director","telepon":"081234567890","email":"jd@stk.org"}],"kegiatan":["perlindungan anak"],
      "wilayah_kerja":["63.11","63.09"],"negara_asal":"Inggris","hubungan_diplomatik":True,"periode_laporan_bulan":1}
    r = client.post(f"{T}/balangan/lks/asing", json=body, headers=b.officer.headers)
    print(r.status_code, json.dumps(r.get_json(), indent=1)[:1500])
    org = r.get_json()["id"]
    t = today()
    data = {"jenis":"kemenlu","keputusan":"diberikan","nomor":"K-1","tanggal":(t-timedelta(days=60)).isoformat(),"berlaku_sampai":(t+timedelta(days=1000)).isoformat()}
    for k in K: data[k] = (io.BytesIO(PDF), f"{k}.pdf")
    r = client.post(f"{T}/balangan/lks/asing/{org}/izin", data=data, content_type="multipart/form-data", headers=b.officer.headers)
    print(r.status_code, r.get_json())
    data = {"jenis":"operasional","keputusan":"diberikan","nomor":"O-1","tanggal":(t-timedelta(days=30)).isoformat(),"berlaku_sampai":(t+timedelta(days=1000)).isoformat()}
    for k in O: data[k] = (io.BytesIO(PDF), f"{k}.pdf")
    r = client.post(f"{T}/balangan/lks/asing/{org}/izin", data=data, content_type="multipart/form-data", headers=b.officer.headers)
    print(r.status_code, r.get_json())
    r = client.post(f"{T}/balangan/lks/asing/{org}/izin-teknis", json={"nomor":"T-1","tanggal":t.isoformat()}, headers=b.officer.headers)
    print(r.status_code, r.get_json())
    print(run_daily_tick(today=t+timedelta(days=200), kernel=kernel))
    r = client.get(f"{T}/balangan/lks/asing/{org}", headers=b.officer.headers)
    print(json.dumps(r.get_json(), indent=1)[:6000])
    r = client.get(f"{T}/balangan/lks/sanksi", headers=b.officer.headers, query_string={"page_size":100})
    for s in r.get_json(): print(s["langkah"], s["tanggal"], s["citation"], s["pelanggaran"])
    sid = r.get_json()[0]["id"]
    r = client.get(f"{T}/balangan/lks/sanksi/{sid}/dokumen", headers=b.officer.headers)
    print(r.data.decode())
    print(counts(kernel,"balangan"))
