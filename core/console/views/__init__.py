"""The console's pages. Thin, as the API's views: read the form, call the same service function
with the same permission check, render. Importing this package attaches the routes to `bp`."""
from core.console.views import beranda, layanan, masuk  # noqa: F401
from core.console.views import audit, dasbor, laporan, libur, platform, staf  # noqa: F401
from core.console.views import kasus, orang  # noqa: F401
from core.console.views import kasus_berkas  # noqa: F401  (after kasus: it adds the case page's forms)
from core.console.views import impor  # noqa: F401
