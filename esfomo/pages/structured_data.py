"""schema.org data about an edition, for search engines: the workshop as an Event, its sessions as sub-events.

Part of the homepage, which composes the edition with its programme and people.

Built from what the homepage already read (no query of its own) and written into the page as a
JSON-LD data block.
"""

import html

from django.utils.html import strip_tags

from program.models import Session

OFFLINE = "https://schema.org/OfflineEventAttendanceMode"


class EditionEvent:
    """The JSON-LD object of an edition's homepage; `origin` is the site's scheme and host."""

    def __init__(self, edition, *, days, speakers, organizers, sponsors, origin):
        self.edition = edition
        self.sessions = [session for day in days for session in day.sessions]
        self.speakers, self.organizers, self.sponsors = speakers, organizers, sponsors
        self.origin = origin
        self.page_url = origin + edition.get_absolute_url()
        self.image_url = origin + edition.share_card_path

    def data(self):
        edition = self.edition
        event = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": f"{edition.name}: {edition.title}",
            "url": self.page_url,
            "image": [self.image_url],
            "startDate": self.local(self.sessions[0].start) if self.sessions else edition.date.isoformat(),
            "endDate": self.local(max(s.end for s in self.sessions)) if self.sessions else edition.date.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": OFFLINE,
            "location": self.place(edition.room),
            "organizer": [self.person(role.person, role.affiliation) for role in self.organizers],
            "performer": [self.person(role.person, role.affiliation) for role in self.speakers],
            "subEvent": [self.session(s) for s in self.sessions if s.kind != Session.Kind.BREAK],
        }
        if edition.summary_html:
            event["description"] = html.unescape(strip_tags(edition.summary_html)).strip()
        if self.sponsors:
            event["sponsor"] = [self.organization(sponsor) for sponsor in self.sponsors]
        if edition.conference:
            event["superEvent"] = {"@type": "Event", "name": edition.conference}
            if edition.conference_url:
                event["superEvent"]["url"] = edition.conference_url
        return event

    def local(self, moment):
        return moment.astimezone(self.edition.tzinfo).isoformat()

    def person(self, person, affiliation="", name=""):
        data = {
            "@type": "Person",
            "name": name or person.name,
            "url": person.link or self.origin + person.get_absolute_url(),
        }
        if affiliation:
            data["affiliation"] = {"@type": "Organization", "name": affiliation}
        return data

    def organization(self, sponsor):
        data = {"@type": "Organization", "name": sponsor.name}
        if sponsor.url:
            data["url"] = sponsor.url
        return data

    def place(self, room=""):
        edition = self.edition
        place = {"@type": "Place", "name": ", ".join(part for part in (room, edition.venue or edition.city) if part)}
        if edition.city:
            place["address"] = {"@type": "PostalAddress", "addressLocality": edition.city}
        return place

    def session(self, session):
        talks = session.talk_list
        name = session.title
        if len(talks) == 1 and talks[0].display_title:
            name = f"{session.title}: {talks[0].display_title}"
        data = {
            "@type": "Event",
            "name": name,
            "startDate": self.local(session.start),
            "endDate": self.local(session.end),
            "url": f"{self.page_url}#{session.anchor}",
            "location": self.place(session.place),
            "eventAttendanceMode": OFFLINE,
        }
        performers = [
            self.person(credit.person, credit.affiliation, credit.name) for talk in talks for credit in talk.credits
        ]
        if performers:
            data["performer"] = performers
        return data
