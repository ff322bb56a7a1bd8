//! The closed vocabularies of the intake (answers and enums), and `Set`, a bit set of one
//! vocabulary used for the intake's lists.
//!
//! Every vocabulary has at most 32 values, so a list such as `inputs` is a `u32` and the rule
//! engine tests membership with one `and`.

use std::fmt;
use std::marker::PhantomData;

/// A closed vocabulary: an enum whose values have stable names in files.
pub trait Vocabulary: Copy + Eq + Ord + fmt::Debug + 'static {
    /// Every value, in the order of the spec.
    const ALL: &'static [Self];
    /// The names of the values, in the same order.
    const NAMES: &'static [&'static str];
    /// The position of the value in `ALL` (below 32).
    fn index(self) -> u32;
    /// The name in files.
    fn as_str(self) -> &'static str {
        Self::NAMES[self.index() as usize]
    }
    /// Parses a name.
    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|known| *known == name)
            .map(|position| Self::ALL[position])
    }
    /// The value at a position in `ALL`.
    fn from_index(index: u32) -> Option<Self> {
        Self::ALL.get(index as usize).copied()
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl Vocabulary for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];
            fn index(self) -> u32 {
                self as u32
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// An answer to a question: `yes`, `no` or `unsure` (a left-out answer counts as `unsure`).
    Answer { /** yes */ Yes = "yes", /** no */ No = "no", /** unsure */ Unsure = "unsure" }
);
vocabulary!(
    /// The production stage of the proposed use.
    Stage {
        /** ideation */ Ideation = "ideation", /** development */ Development = "development",
        /** pre-production */ PreProduction = "pre_production", /** production */ Production = "production",
        /** post-production */ PostProduction = "post_production", /** marketing */ Marketing = "marketing",
        /** localization */ Localization = "localization",
    }
);
vocabulary!(
    /// A kind of media.
    Media { /** image */ Image = "image", /** video */ Video = "video", /** audio */ Audio = "audio", /** text */ Text = "text", /** 3D */ ThreeD = "3d" }
);
vocabulary!(
    /// What is made.
    Element {
        /** moodboard */ Moodboard = "moodboard", /** concept art */ ConceptArt = "concept_art",
        /** storyboard */ Storyboard = "storyboard", /** previs */ Previs = "previs",
        /** background */ Background = "background", /** prop */ Prop = "prop", /** poster */ Poster = "poster",
        /** signage */ Signage = "signage", /** document */ Document = "document",
        /** news clipping */ NewsClipping = "news_clipping", /** graphics */ Graphics = "graphics",
        /** title sequence */ TitleSequence = "title_sequence", /** set extension */ SetExtension = "set_extension",
        /** environment */ Environment = "environment", /** crowd */ Crowd = "crowd", /** VFX shot */ VfxShot = "vfx_shot",
        /** character */ Character = "character", /** creature */ Creature = "creature",
        /** performance */ Performance = "performance", /** voice */ Voice = "voice", /** dialogue */ Dialogue = "dialogue",
        /** music */ Music = "music", /** sound effects */ SoundEffects = "sound_effects", /** script */ Script = "script",
        /** subtitles */ Subtitles = "subtitles", /** dub */ Dub = "dub", /** marketing art */ MarketingArt = "marketing_art",
        /** trailer */ Trailer = "trailer", /** other */ Other = "other",
    }
);
vocabulary!(
    /// How prominent the generated material is on screen.
    Prominence { /** not on screen */ None = "none", /** seen briefly */ Incidental = "incidental", /** referenced */ Prominent = "prominent", /** central */ Key = "key" }
);
vocabulary!(
    /// What is fed to the tools.
    Input {
        /** nothing */ None = "none", /** owned, not sensitive */ OwnedNonSensitive = "owned_non_sensitive",
        /** script */ Script = "script", /** unreleased footage */ UnreleasedFootage = "unreleased_footage",
        /** production images */ ProductionImages = "production_images", /** contracts */ Contracts = "contracts",
        /** talent likeness */ TalentLikeness = "talent_likeness", /** talent voice */ TalentVoice = "talent_voice",
        /** personal data */ PersonalData = "personal_data", /** third-party copyrighted */ ThirdPartyCopyrighted = "third_party_copyrighted",
        /** an artist's style */ ArtistStyle = "artist_style", /** a named performer */ NamedPerformer = "named_performer",
        /** a public figure */ PublicFigure = "public_figure", /** a deceased person */ DeceasedPerson = "deceased_person",
        /** not known */ Unknown = "unknown",
    }
);
vocabulary!(
    /// The environment a tool runs in.
    Environment {
        /** studio enterprise agreement */ StudioEnterprise = "studio_enterprise",
        /** enterprise terms barring training */ EnterpriseNoTraining = "enterprise_no_training",
        /** consumer */ Consumer = "consumer", /** not known */ Unknown = "unknown",
    }
);
vocabulary!(
    /// What a model is trained on.
    TrainingData {
        /** owned */ Owned = "owned", /** licensed */ Licensed = "licensed",
        /** production material */ ProductionMaterial = "production_material",
        /** performer material */ PerformerMaterial = "performer_material",
        /** unlicensed third-party material */ ThirdPartyUnlicensed = "third_party_unlicensed",
        /** public domain */ PublicDomain = "public_domain", /** not known */ Unknown = "unknown",
    }
);
vocabulary!(
    /// A use of a real person's likeness or performance.
    TalentUse {
        /** digital replica */ DigitalReplica = "digital_replica", /** voice replica */ VoiceReplica = "voice_replica",
        /** de-aging */ DeAging = "de_aging", /** face swap */ FaceSwap = "face_swap", /** alteration */ Alteration = "alteration",
        /** visual ADR */ VisualAdr = "visual_adr", /** lip-sync dub */ LipSyncDub = "lip_sync_dub",
        /** synthetic performer */ SyntheticPerformer = "synthetic_performer",
    }
);
vocabulary!(
    /// Why no further consent may be needed.
    TalentException {
        /** none */ None = "none", /** as recorded */ AsRecorded = "as_recorded", /** unsafe for a human */ UnsafeForHuman = "unsafe_for_human",
        /** unrecognizable */ Unrecognizable = "unrecognizable", /** customary alteration */ CustomaryAlteration = "customary_alteration",
        /** dubbing or double */ DubbingOrDouble = "dubbing_or_double",
    }
);
vocabulary!(
    /// A performer's role.
    Role {
        /** principal */ Principal = "principal", /** background */ Background = "background", /** voice */ Voice = "voice",
        /** stunt */ Stunt = "stunt", /** presenter */ Presenter = "presenter", /** documentary subject */ Subject = "subject",
        /** other */ Other = "other",
    }
);
vocabulary!(
    /// A performer's union.
    Union { /** SAG-AFTRA */ SagAftra = "sag_aftra", /** Equity */ Equity = "equity", /** other */ Other = "other", /** none */ None = "none", /** not known */ Unknown = "unknown" }
);
vocabulary!(
    /// A performer's consent to this use.
    Consent { /** none */ None = "none", /** requested */ Requested = "requested", /** written and covering this use */ Written = "written" }
);
vocabulary!(
    /// Where the work will be shown.
    Region { /** US */ Us = "us", /** EU */ Eu = "eu", /** UK */ Uk = "uk", /** Japan */ Jp = "jp", /** worldwide */ Worldwide = "worldwide", /** other */ Other = "other" }
);
vocabulary!(
    /// Whether the audience is told.
    AudienceDisclosure { /** none */ None = "none", /** planned */ Planned = "planned", /** not applicable */ NotApplicable = "not_applicable" }
);

/// A set of values of one vocabulary, as a bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Set<T> {
    bits: u32,
    marker: PhantomData<T>,
}

impl<T: Vocabulary> Set<T> {
    /// The empty set.
    pub const fn empty() -> Set<T> {
        Set {
            bits: 0,
            marker: PhantomData,
        }
    }

    /// A set from its bits (bit `i` is `T::ALL[i]`); bits beyond the vocabulary are dropped.
    pub fn from_bits(bits: u32) -> Set<T> {
        let width = T::ALL.len() as u32;
        let mask = if width >= 32 {
            u32::MAX
        } else {
            (1u32 << width) - 1
        };
        Set {
            bits: bits & mask,
            marker: PhantomData,
        }
    }

    /// The bits of the set.
    pub const fn bits(self) -> u32 {
        self.bits
    }

    /// Adds a value.
    pub fn insert(&mut self, value: T) {
        self.bits |= 1 << value.index();
    }

    /// Removes a value.
    pub fn remove(&mut self, value: T) {
        self.bits &= !(1 << value.index());
    }

    /// True when the set holds `value`.
    pub fn contains(self, value: T) -> bool {
        self.bits & (1 << value.index()) != 0
    }

    /// True when the set is empty.
    pub const fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The values in vocabulary order.
    pub fn iter(self) -> impl Iterator<Item = T> {
        T::ALL
            .iter()
            .copied()
            .filter(move |value| self.contains(*value))
    }
}

impl<T: Vocabulary> Default for Set<T> {
    fn default() -> Self {
        Set::empty()
    }
}

impl<T: Vocabulary> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Set::empty();
        for value in iter {
            set.insert(value);
        }
        set
    }
}

impl<T: Vocabulary> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Vocabulary::as_str))
            .finish()
    }
}

impl<T: Vocabulary> serde::Serialize for Set<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Vocabulary::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_for_every_vocabulary_value() {
        fn check<T: Vocabulary>() {
            assert!(T::ALL.len() <= 32);
            assert_eq!(T::ALL.len(), T::NAMES.len());
            for value in T::ALL {
                assert_eq!(T::from_name(value.as_str()), Some(*value));
            }
        }
        check::<Answer>();
        check::<Stage>();
        check::<Media>();
        check::<Element>();
        check::<Prominence>();
        check::<Input>();
        check::<Environment>();
        check::<TrainingData>();
        check::<TalentUse>();
        check::<TalentException>();
        check::<Role>();
        check::<Union>();
        check::<Consent>();
        check::<Region>();
        check::<AudienceDisclosure>();
    }

    #[test]
    fn sets_keep_vocabulary_order() {
        let set: Set<Input> = [Input::PersonalData, Input::Script].into_iter().collect();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Input::Script, Input::PersonalData]
        );
        assert!(set.contains(Input::Script));
        assert!(!set.contains(Input::None));
    }
}
