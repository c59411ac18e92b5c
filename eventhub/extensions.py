"""Flask extensions, created unbound here and bound in `create_app`."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from eventhub.api import Api

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _rate_limit_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


# Blueprints never throttled: the door's scanners call once per badge, all day long.
UNTHROTTLED_BLUEPRINTS = frozenset({"checkin_api"})


def _unthrottled() -> bool:
    # A request filter is the limiter's first test; an exemption would be looked up later.
    return request.blueprint in UNTHROTTLED_BLUEPRINTS


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=_rate_limit_key, default_limits=[])
limiter.request_filter(_unthrottled)
babel = Babel()
mail = Mail()
api = Api()
# Only the views decorated with `@compress.compressed()` (COMPRESS_REGISTER is off).
compress = Compress()
